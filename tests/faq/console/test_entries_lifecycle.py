"""Publish, history with diffs, rollback, unpublish, archive, restore, delete — and refusals."""
from __future__ import annotations

import re

from core.dates import china_today
from core.db import db
from faq.index import served_entries
from faq.models import FaqEntry
from faq.service import get_entry
from faq.versions import get_version
from tests.faq.console.conftest import form_token
from tests.faq.console.test_entries import draft, form_data, published

LIST = "/staff/faq/"


def served(kb_app) -> dict:
    with kb_app.app_context():
        return served_entries(db.session, china_today()).display


def seen_on(html: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', html).group(1)


def flashes(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return " ".join(re.findall(r'<p class="flash flash-\w+">(.*?)</p>', html))


def test_publish_edit_publish_and_roll_back(kb_app, editor):
    # a new entry published from the form, with a note
    token = form_token(editor, "/staff/faq/new")
    response = editor.post("/staff/faq/new", data=form_data(token) | {"action": "publish", "note": "首次上线"})
    url = response.headers["Location"]
    entry_id = int(url.rsplit("/", 1)[1])
    assert "已创建并发布第 1 版" in flashes(editor, url)
    assert served(kb_app)[entry_id].answer.startswith("室温低于 18℃")
    history = editor.get(f"{url}/history").get_data(as_text=True)
    assert "第 1 版" in history and "首次上线" in history and "editor 测试" in history
    assert "这个条目还没有发布过" not in history and "没有未发布的修改" in history

    # edit: a similar question swapped, the answer changed, then saved and published
    page = editor.get(url).get_data(as_text=True)
    changed = form_data(token, answer="室温低于 18℃ 请拨打 96123。", similar=["暖气片不热咋整", "屋里冷得很"])
    editor.post(url, data=changed | {"seen": seen_on(page), "action": "publish", "note": "换热线"})
    assert served(kb_app)[entry_id].answer == "室温低于 18℃ 请拨打 96123。"
    history = editor.get(f"{url}/history").get_data(as_text=True)
    v2 = history.split('id="v2"')[1].split('id="v1"')[0]
    assert "与第 1 版相比的修改（2 项）" in v2 and "换热线" in v2
    assert "<li>暖气片不热咋整</li>" in v2  # kept, unmarked
    assert "<li><ins>+ 屋里冷得很</ins></li>" in v2
    assert "<li><del>− 家里暖气温度低找谁</del></li>" in v2
    assert "<del>-室温低于 18℃ 可拨打供热企业热线报修，24 小时内上门。</del>" in v2
    assert "<ins>+室温低于 18℃ 请拨打 96123。</ins>" in v2

    # roll back to version 1: confirm first, then a third version equal to the first
    confirm = editor.get(f"{url}/rollback/1").get_data(as_text=True)
    assert "确认回滚" in confirm and "<ins>+ 家里暖气温度低找谁</ins>" in confirm
    response = editor.post(f"{url}/rollback/1", data={"csrf_token": token})
    assert response.headers["Location"] == f"{url}/history"
    assert "第 1 版的内容已作为第 3 版发布" in flashes(editor, f"{url}/history")
    with kb_app.app_context():
        assert get_version(db.session, entry_id, 3).snapshot == get_version(db.session, entry_id, 1).snapshot
        assert get_version(db.session, entry_id, 3).note == "回滚到第 1 版"
        assert get_entry(db.session, entry_id).live_version == 3
    assert served(kb_app)[entry_id].answer.startswith("室温低于 18℃ 可拨打")


def test_publishing_the_saved_copy_from_the_history_page(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    token = form_token(editor, url)
    editor.post(url, data=form_data(token, keywords=["暖气", "报修"]) | {"seen": seen_on(editor.get(url).get_data(
        as_text=True))})
    history = editor.get(f"{url}/history").get_data(as_text=True)
    pending = history.split('id="pending"')[1].split("</section>")[0]
    assert "<ins>+ 报修</ins>" in pending and "<del>− 不热</del>" in pending
    editor.post(f"{url}/publish", data={"csrf_token": token, "note": "加关键词"})
    assert "已发布第 2 版" in flashes(editor, url)
    with kb_app.app_context():
        version = get_version(db.session, entry_id, 2)
        assert version.note == "加关键词" and version.snapshot["keywords"] == ["暖气", "报修"]
        assert version.published_by.username == "editor1"


def test_unpublish_archive_restore(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    token = form_token(editor, url)
    assert f'href="/h5/faq/{entry_id}"' in editor.get(url).get_data(as_text=True)
    editor.post(f"{url}/unpublish", data={"csrf_token": token})
    assert "已撤回发布" in flashes(editor, url)
    assert entry_id not in served(kb_app)
    assert f'href="/h5/faq/{entry_id}"' not in editor.get(url).get_data(as_text=True)
    editor.post(f"{url}/archive", data={"csrf_token": token})
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).status == "archived"
    editor.post(f"{url}/restore", data={"csrf_token": token})
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).status == "draft"
    assert "已恢复为草稿" in flashes(editor, url)


def test_archiving_a_published_entry_stops_serving_it(kb_app, editor):
    entry_id = published(kb_app)
    editor.post(f"/staff/faq/{entry_id}/archive", data={"csrf_token": form_token(editor, LIST)})
    assert entry_id not in served(kb_app)


def test_a_never_published_draft_is_deleted_after_confirming(kb_app, editor):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    assert f'href="{url}/delete"' in editor.get(url).get_data(as_text=True)
    confirm = editor.get(f"{url}/delete").get_data(as_text=True)
    assert "确定删除草稿「暖气不热怎么办」吗？" in confirm and f'action="{url}/delete"' in confirm
    with kb_app.app_context():
        assert db.session.get(FaqEntry, entry_id) is not None  # asking deleted nothing
    response = editor.post(f"{url}/delete", data={"csrf_token": form_token(editor, url)})
    assert response.headers["Location"] == LIST
    assert "已删除草稿「暖气不热怎么办」" in flashes(editor, LIST)
    with kb_app.app_context():
        assert db.session.get(FaqEntry, entry_id) is None


def test_refused_transitions_say_why_in_chinese(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    token = form_token(editor, url)
    assert f'href="{url}/delete"' not in editor.get(url).get_data(as_text=True)
    response = editor.post(f"{url}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "操作未完成：发布过的条目不能删除，只能归档" in flashes(editor, url)
    editor.post(f"{url}/restore", data={"csrf_token": token})
    assert "操作未完成：只有已归档的条目可以恢复" in flashes(editor, url)
    editor.post(f"{url}/archive", data={"csrf_token": token})
    editor.post(f"{url}/publish", data={"csrf_token": token})
    assert "操作未完成：已归档的条目不能发布，请先恢复为草稿" in flashes(editor, url)
    editor.post(f"{url}/unpublish", data={"csrf_token": token})
    assert "操作未完成：只有已发布的条目可以撤回" in flashes(editor, url)
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).status == "archived"


def test_publishing_an_incomplete_entry_names_what_is_missing(kb_app, editor):
    entry_id = draft(kb_app, answer="", category=None)
    url = f"/staff/faq/{entry_id}"
    editor.post(f"{url}/publish", data={"csrf_token": form_token(editor, url)})
    assert "操作未完成：发布前须填写简短答复；发布前须选择分类" in flashes(editor, url)
    # through the form, the same problems stand beside their fields and nothing is saved
    page = editor.get(url).get_data(as_text=True)
    response = editor.post(url, data=form_data(form_token(editor, url), answer="", category="", question="改了问题")
                           | {"seen": seen_on(page), "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<label for="f-answer">.*?<p class="error"[^>]*>发布前须填写简短答复</p>', html, re.S)
    assert 'value="改了问题"' in html
    with kb_app.app_context():
        entry = get_entry(db.session, entry_id)
        assert (entry.status, entry.question) == ("draft", "暖气不热怎么办")


def test_rolling_back_to_the_live_version_is_refused(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    assert f"{url}/rollback/1" not in editor.get(f"{url}/history").get_data(as_text=True)
    editor.post(f"{url}/rollback/1", data={"csrf_token": form_token(editor, url)})
    assert "第 1 版与当前发布的内容相同，无需回滚" in flashes(editor, f"{url}/history")
    assert editor.get(f"{url}/rollback/7").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    for action in ("unpublish", "archive", "delete"):
        assert editor.post(f"{url}/{action}").status_code == 400
    seen = seen_on(editor.get(url).get_data(as_text=True))
    data = form_data("wrong-token", answer="无令牌") | {"seen": seen}
    assert editor.post(url, data=data).status_code == 400
    assert editor.post("/staff/faq/new", data=form_data("") | {"key": "no-token"}).status_code == 400
    with kb_app.app_context():
        entry = get_entry(db.session, entry_id)
        assert (entry.status, entry.answer != "无令牌") == ("published", True)
        assert db.session.query(FaqEntry).count() == 1
