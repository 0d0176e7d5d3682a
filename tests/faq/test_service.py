"""Entries: validation, the edit/publish model, versions, diffs, rollback and the index version."""
import pytest
from sqlalchemy import func, select

from faq.errors import EntryNotFound, InvalidEntry, TransitionNotAllowed, VersionNotFound
from faq.index import current_index_version, index_counter
from faq.models import FaqEntry, FaqVersion
from faq.service import (
    archive,
    create_entry,
    delete_draft,
    get_entry,
    publish,
    restore,
    rollback,
    unpublish,
    update_entry,
)
from faq.versions import diff_snapshots, has_pending_changes, history, live_snapshot, version_diff
from staff.service import create_staff
from tests.faq.conftest import entry_fields, make_policy


def _messages(exc: InvalidEntry) -> dict[str, list[str]]:
    return exc.by_field()


def test_create_cleans_and_defaults_the_department(session):
    entry = create_entry(session, entry_fields(similar="暖气片不热咋整 | 暖气不热怎么办 |  \n 家里冷",
                                               question="  暖气不热\u200b怎么办 "))
    assert entry.status == "draft" and entry.live_version is None
    assert entry.question == "暖气不热怎么办"
    assert entry.similar == ["暖气片不热咋整", "家里冷"]  # the standard question and blanks are not repeated
    assert entry.category.code == "010101" and entry.department.code == entry.category.department.code
    assert create_entry(session, entry_fields(key=None, question="另一个问题")).key.startswith("faq-")


@pytest.mark.parametrize("field, value, message", [
    ("question", "   ", "标准问不能为空"),
    ("question", "问" * 201, "标准问最多 200 字"),
    ("answer", "答" * 5000, "简短答复最多 600 字，现有 5000 字"),
    ("answer", "请点击<a href='x'>这里</a>", "简短答复不能包含 HTML 标签"),
    ("answer_long", "<script>alert(1)</script>", "详细答复不能包含 HTML 标签"),
    ("similar", ["正常的问法", "<b>粗体</b>"], "相似问法「<b>粗体</b>」不能包含 HTML 标签"),
    ("keywords", ["a|b"], "不能包含分隔符 |"),
    ("category", "01", "不是末级分类"),
    ("category", "999999", "找不到分类代码「999999」"),
    ("department", "NOPE", "找不到承办单位代码「NOPE」"),
    ("policies", ["no-such-policy"], "找不到政策文件「no-such-policy」"),
    ("valid_from", "2024-13-01", "不是有效日期"),
    ("key", "Bad Key!", "标识「bad key!」只能用小写字母"),
])
def test_bad_input_is_refused_per_field_in_chinese(session, field, value, message):
    with pytest.raises(InvalidEntry) as caught:
        create_entry(session, entry_fields(**{field: value}))
    messages = _messages(caught.value)
    assert field in messages and any(message in text for text in messages[field]), messages
    assert session.scalar(select(func.count()).select_from(FaqEntry)) == 0


def test_every_problem_is_reported_at_once(session):
    with pytest.raises(InvalidEntry) as caught:
        create_entry(session, {"question": "", "answer": "x" * 700, "valid_from": "2025-02-01",
                               "valid_until": "2025-01-01", "colour": "red"})
    assert set(caught.value.by_field()) == {"question", "answer", "valid_until", "colour"}


def test_sql_emoji_and_urls_are_stored_as_plain_text(session):
    text = "'; DROP TABLE faq_entry; -- 😀 https://example.com/?a=1&b=2"
    entry = create_entry(session, entry_fields(question=text, answer="A & B > C"))
    session.commit()
    assert get_entry(session, entry.id).question == text
    assert entry.answer == "A & B > C"


def test_publish_versions_diff_and_rollback(session):
    editor = create_staff(session, "editor1", "long-password", "editor", "王编辑")
    entry = create_entry(session, entry_fields(), by=editor.id)
    first = publish(session, entry.id, by=editor.id, note="首次发布")
    assert (first.number, entry.status, entry.live_version) == (1, "published", 1)
    assert publish(session, entry.id).id == first.id  # nothing changed: no new version

    update_entry(session, entry.id, {"answer": "室温低于 18℃ 请拨打 12345。\n第二行。", "similar": ["暖气片不热咋整"]},
                 by=editor.id)
    assert has_pending_changes(session, entry)
    assert live_snapshot(session, entry)["answer"].startswith("室温低于 18℃ 可拨打")  # still served: version 1
    second = publish(session, entry.id, by=editor.id)
    assert second.number == 2 and not has_pending_changes(session, entry)

    changes = {change.field: change for change in version_diff(session, entry.id, 2)}
    assert set(changes) == {"answer", "similar"}
    assert changes["similar"].removed == ("家里暖气温度低找谁",) and changes["similar"].added == ()
    assert "-室温低于 18℃ 可拨打" in changes["answer"].unified and "+第二行。" in changes["answer"].unified
    assert changes["answer"].label == "简短答复"
    assert {change.field for change in version_diff(session, entry.id, 1)} >= {"question", "answer", "category"}

    third = rollback(session, entry.id, 1, by=editor.id)
    assert third.number == 3 and third.note == "回滚到第 1 版"
    assert third.snapshot == first.snapshot and entry.similar == ["暖气片不热咋整", "家里暖气温度低找谁"]
    assert [version.number for version in history(session, entry.id)] == [3, 2, 1]
    assert history(session, entry.id)[0].published_by.display_name == "王编辑"
    with pytest.raises(TransitionNotAllowed):
        rollback(session, entry.id, 3)  # identical to what is live
    with pytest.raises(VersionNotFound):
        rollback(session, entry.id, 9)


def test_versions_are_immutable(session):
    entry = create_entry(session, entry_fields())
    version = publish(session, entry.id)
    session.commit()
    version.note = "changed"
    with pytest.raises(RuntimeError, match="immutable"):
        session.flush()
    session.rollback()


def test_status_transitions(session):
    entry = create_entry(session, entry_fields())
    with pytest.raises(TransitionNotAllowed):
        unpublish(session, entry.id)
    publish(session, entry.id)
    unpublish(session, entry.id)
    assert (entry.status, entry.live_version) == ("draft", None)
    assert publish(session, entry.id).number == 2  # published again: a new version
    archive(session, entry.id)
    for action in (lambda: publish(session, entry.id), lambda: update_entry(session, entry.id, {"answer": "x"}),
                   lambda: rollback(session, entry.id, 1), lambda: archive(session, entry.id)):
        with pytest.raises(TransitionNotAllowed):
            action()
    restore(session, entry.id)
    assert entry.status == "draft"
    with pytest.raises(TransitionNotAllowed):
        delete_draft(session, entry.id)  # it was published once
    draft = create_entry(session, entry_fields(key="other", question="别的问题"))
    delete_draft(session, draft.id)
    with pytest.raises(EntryNotFound):
        get_entry(session, "other")


def test_a_draft_needs_answer_and_category_only_to_publish(session):
    entry = create_entry(session, {"question": "小区路灯不亮找谁"})
    with pytest.raises(InvalidEntry) as caught:
        publish(session, entry.id)
    assert set(caught.value.by_field()) == {"answer", "category"}
    assert entry.status == "draft" and session.scalar(select(func.count()).select_from(FaqVersion)) == 0


def test_key_is_stable_and_unique(session):
    entry = create_entry(session, entry_fields())
    with pytest.raises(InvalidEntry, match="已被其他条目使用"):
        create_entry(session, entry_fields())
    with pytest.raises(InvalidEntry, match="标识创建后不能修改"):
        update_entry(session, entry.id, {"key": "renamed"})


def test_the_index_version_changes_on_what_is_served(any_session):
    session = any_session
    start = current_index_version(session)
    entry = create_entry(session, entry_fields())
    update_entry(session, entry.id, {"answer": "改了"})
    session.commit()
    assert current_index_version(session) == start  # drafts are not served
    steps = [lambda: publish(session, entry.id), lambda: update_entry(session, entry.id, {"answer": "又改了"}),
             lambda: publish(session, entry.id), lambda: rollback(session, entry.id, 1),
             lambda: unpublish(session, entry.id), lambda: make_policy(session)]
    seen = [index_counter(session)]
    for step in steps:
        step()
        session.commit()
        seen.append(index_counter(session))
    assert seen == [0, 1, 1, 2, 3, 4, 5]
    assert current_index_version(session).startswith("5@")


def test_diff_against_nothing_lists_every_filled_field():
    changes = diff_snapshots(None, {"question": "问", "similar": ["a"], "answer": "答", "category": "010101"})
    assert [change.field for change in changes] == ["question", "similar", "answer", "category"]
    assert changes[1].added == ("a",)
