"""待答问题 through the real app: groups with counts, filters, pages, and a group turned into a draft.

Rows are made and checked in app contexts of their own: a request made inside the test's context
would share its database session and `g` (the signed-in user) with the test."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db, utcnow
from faq.console.trial_links import edit_url
from faq.inbox import record_unanswered, record_vote
from faq.inbox_review import PAGE_SIZE
from faq.models import FaqEntry, UnansweredQuestion
from tests.faq.conftest import published_entry
from tests.faq.console.conftest import form_token

URL = "/staff/faq/inbox"
DRAFT_URL = "/staff/faq/inbox/draft"


def ask(app, text, times=1, *, ago=timedelta(0), citizen=None):
    with app.app_context():
        for number in range(times):
            row = record_unanswered(db.session, text, openid_hash=citizen or f"citizen-{text}-{number}")
            row.created_at = utcnow() - ago
        db.session.commit()


def drafts(app, *conditions) -> list[tuple[str, list[str]]]:
    """(question, similar questions) of the entries matching `conditions`."""
    with app.app_context():
        return [(entry.question, sorted(entry.similar))
                for entry in db.session.scalars(select(FaqEntry).where(*conditions).order_by(FaqEntry.id))]


def link(app, entry_id: int) -> str:
    with app.app_context(), app.test_request_context():
        return edit_url(entry_id)


@pytest.fixture
def questions(kb_app):
    """Heating asked 6 times (3 wordings, 5 citizens), 社保 3 times long ago, one 没用 vote on an entry."""
    ask(kb_app, "暖气不热怎么办", 3, ago=timedelta(days=2))
    ask(kb_app, "暖气不热怎么办", 1, ago=timedelta(days=2), citizen="citizen-暖气不热怎么办-0")  # asked again
    ask(kb_app, "暖气片不热咋整", 1, ago=timedelta(hours=1))
    ask(kb_app, "暖气不热！！", 1, ago=timedelta(days=1))
    ask(kb_app, "灵活就业社保能晚点交吗", 2, ago=timedelta(days=20))
    ask(kb_app, "灵活就业的社保可以缓交吗", 1, ago=timedelta(days=20))
    with kb_app.app_context():
        entry = published_entry(db.session, key="parking", question="小区停车位怎么收费", similar=[])
        record_vote(db.session, entry.id, False, openid_hash="voter", question="地下车库停车费太贵了")
        db.session.commit()
        return entry.id


def groups_on(page: str) -> list[tuple[str, int]]:
    """(group title, times asked) in page order."""
    titles = re.findall(r'<section class="card inbox-group[^"]*"[^>]*>\s*<h2>(.*?)</h2>', page)
    counts = [int(n) for n in re.findall(r"提问 <strong>(\d+)</strong> 次", page)]
    return list(zip(titles, counts, strict=True))


def test_similar_questions_are_grouped_with_counts_citizens_and_outcomes(kb_app, editor, questions):
    page = editor.get(URL).get_data(as_text=True)
    assert groups_on(page) == [("暖气不热怎么办", 6), ("灵活就业社保能晚点交吗", 3), ("地下车库停车费太贵了", 1)]
    heating = page.split('id="group-')[1]
    assert "5 位市民" in heating and "无答案 ×6" in heating
    assert "暖气片不热咋整" in heating and "×4" in heating  # every wording with how often it was asked
    parking = page.split('id="group-')[3]
    assert "点了没用 ×1" in parking and f'<a href="{link(kb_app, questions)}">小区停车位怎么收费</a>' in parking
    assert "待处理 3 组，共 10 个问题" in page


def test_period_and_order(editor, questions):
    week = editor.get(URL, query_string={"period": "7"}).get_data(as_text=True)
    assert [title for title, _count in groups_on(week)] == ["暖气不热怎么办", "地下车库停车费太贵了"]
    recent = editor.get(URL, query_string={"period": "all", "sort": "recent"}).get_data(as_text=True)
    assert [title for title, _count in groups_on(recent)] == [
        "地下车库停车费太贵了", "暖气不热怎么办", "灵活就业社保能晚点交吗"]
    odd = editor.get(URL, query_string={"period": "x", "sort": "y", "page": "-3", "status": "z"})
    assert odd.status_code == 200 and len(groups_on(odd.get_data(as_text=True))) == 3


def unrelated(number: int) -> str:
    """A question sharing no character pair with the others (characters spread over the CJK block)."""
    return "".join(chr(0x4E00 + (number * 613 + k * 2903) % 20000) for k in range(6))


def test_many_groups_are_paged(kb_app, editor):
    for number in range(PAGE_SIZE + 3):
        ask(kb_app, unrelated(number))
    first = editor.get(URL).get_data(as_text=True)
    second = editor.get(URL, query_string={"page": 2}).get_data(as_text=True)
    assert len(groups_on(first)) == PAGE_SIZE and "第 1 / 2 页" in first and "下一页" in first
    assert len(groups_on(second)) == 3 and "上一页" in second and "第 2 / 2 页" in second
    assert not set(groups_on(first)) & set(groups_on(second))


def draft_form(editor, page: str, group_index: int = 0) -> dict:
    ids = re.findall(r'name="ids" value="([0-9,]+)"', page)[group_index]
    return {"csrf_token": form_token(editor, URL), "ids": ids, "period": "30", "sort": "count", "page": "1"}


def test_a_group_becomes_a_draft_with_the_chosen_standard_question(kb_app, editor, questions):
    page = editor.get(URL).get_data(as_text=True)
    response = editor.post(DRAFT_URL, data={**draft_form(editor, page), "choice": "暖气片不热咋整"})
    assert response.status_code == 302
    assert drafts(kb_app, FaqEntry.status == "draft") == [("暖气片不热咋整", ["暖气不热怎么办", "暖气不热！！"])]
    with kb_app.app_context():
        entry_id = db.session.scalar(select(FaqEntry.id).where(FaqEntry.question == "暖气片不热咋整"))
        handled = db.session.scalars(select(UnansweredQuestion.text)
                                     .where(UnansweredQuestion.draft_entry_id == entry_id)).all()
    assert response.headers["Location"] == link(kb_app, entry_id) and len(handled) == 6
    followed = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "已新建草稿「暖气片不热咋整」，相似问法 2 条" in followed
    after = editor.get(URL).get_data(as_text=True)
    assert [title for title, _count in groups_on(after)] == ["灵活就业社保能晚点交吗", "地下车库停车费太贵了"]
    done = editor.get(URL, query_string={"status": "handled"}).get_data(as_text=True)
    assert "暖气片不热咋整</a>" in done and "提问 <strong>6</strong> 次" in done and "已处理 1 组，共 6 个问题" in done
    again = editor.post(DRAFT_URL, data={**draft_form(editor, page), "choice": "暖气不热怎么办"})
    assert again.status_code == 422 and "这组问题已经处理过了" in again.get_data(as_text=True)
    assert len(drafts(kb_app)) == 2  # the parking entry and the one draft


def test_a_typed_standard_question_and_refused_ones(kb_app, editor, questions):
    page = editor.get(URL).get_data(as_text=True)
    form = draft_form(editor, page, 1)
    refused = editor.post(DRAFT_URL, data={**form, "choice": "__custom__", "custom": "<b>社保</b>缓交"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "标准问不能包含 HTML 标签" in body
    assert 'value="&lt;b&gt;社保&lt;/b&gt;缓交"' in body  # what the editor typed is kept, escaped
    assert body.index("标准问不能包含 HTML 标签") > body.index("灵活就业社保能晚点交吗</h2>")  # beside its group
    empty = editor.post(DRAFT_URL, data={**form, "choice": "__custom__", "custom": "  "})
    assert empty.status_code == 422 and "请选择或填写标准问" in empty.get_data(as_text=True)
    assert drafts(kb_app, FaqEntry.status == "draft") == []
    made = editor.post(DRAFT_URL, data={**form, "choice": "__custom__", "custom": "灵活就业人员社保可以缓缴吗"})
    assert made.status_code == 302
    assert drafts(kb_app, FaqEntry.status == "draft") == [
        ("灵活就业人员社保可以缓缴吗", ["灵活就业的社保可以缓交吗", "灵活就业社保能晚点交吗"])]


def test_wordings_that_cannot_be_questions_are_shown_escaped_and_left_out(kb_app, editor):
    ask(kb_app, "<script>alert(1)</script>暖气不热", 2)
    ask(kb_app, "暖气不热|怎么办", 1)
    ask(kb_app, "暖气不热怎么办", 1)
    page = editor.get(URL).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;暖气不热" in page
    assert page.count("不会收入条目") == 2
    response = editor.post(DRAFT_URL, data={**draft_form(editor, page), "choice": "暖气不热怎么办"})
    assert response.status_code == 302
    assert drafts(kb_app) == [("暖气不热怎么办", [])]


def test_a_group_with_more_wordings_than_an_entry_holds(kb_app, editor):
    with kb_app.app_context():
        for number in range(130):
            record_unanswered(db.session, f"暖气不热怎么办{number:03d}")
        db.session.commit()
    page = editor.get(URL).get_data(as_text=True)
    title, count = groups_on(page)[0]
    assert count > 101 and f"另外 {count - 10} 种问法" in page
    response = editor.post(DRAFT_URL, data={**draft_form(editor, page), "choice": title})
    assert response.status_code == 302
    [(question, similar)] = drafts(kb_app)
    assert question == title and len(similar) == 100
    after = editor.get(URL).get_data(as_text=True)  # the whole group left the inbox
    assert f"共 {130 - count} 个问题" in after and title not in dict(groups_on(after))


def test_a_forged_group_is_refused_with_a_message(kb_app, editor, questions):
    form = {**draft_form(editor, editor.get(URL).get_data(as_text=True)), "choice": "暖气不热怎么办"}
    for ids in ("", "abc,-1", "99999,100000"):
        response = editor.post(DRAFT_URL, data={**form, "ids": ids})
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and ("没有选中任何问题" in body or "这组问题已经处理过了" in body)
    assert drafts(kb_app, FaqEntry.status == "draft") == []


def test_the_draft_form_needs_the_csrf_token(kb_app, editor, questions):
    page = editor.get(URL).get_data(as_text=True)
    form = draft_form(editor, page)
    del form["csrf_token"]
    assert editor.post(DRAFT_URL, data={**form, "choice": "暖气不热怎么办"}).status_code == 400
    assert drafts(kb_app, FaqEntry.status == "draft") == []


def test_only_editors_see_the_inbox(kb_app, staff_client, questions):
    agent = staff_client("agent")
    assert agent.get(URL).status_code == 403
    token = csrf_token_of(agent)
    assert agent.post(DRAFT_URL, data={"csrf_token": token, "ids": "1", "choice": "暖气"}).status_code == 403
    assert staff_client("admin").get(URL).status_code == 200
    anonymous = kb_app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]
    assert drafts(kb_app, FaqEntry.status == "draft") == []


def csrf_token_of(client) -> str:
    """A valid CSRF token for `client`'s session (from a page every signed-in member of staff may open)."""
    return form_token(client, "/staff/")


def test_paging_and_sorting_reuse_the_grouping_until_the_inbox_changes(kb_app, editor, questions, monkeypatch):
    import faq.inbox_review

    calls = []
    real = faq.inbox_review.group_unanswered
    monkeypatch.setattr(faq.inbox_review, "group_unanswered", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    editor.get(URL)
    editor.get(URL, query_string={"sort": "recent"})
    editor.get(URL, query_string={"page": 2})
    assert len(calls) == 1
    ask(kb_app, "暖气片不热咋整")
    page = editor.get(URL).get_data(as_text=True)
    assert len(calls) == 2 and groups_on(page)[0] == ("暖气不热怎么办", 7)
    editor.get(URL, query_string={"period": "7"})
    assert len(calls) == 3  # another period is grouped on its own
