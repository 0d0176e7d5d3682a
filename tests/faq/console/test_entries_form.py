"""New entry and edit: errors beside their fields with the input kept, stale copies refused, preview."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.db import db
from faq.console.editing import edit_stamp
from faq.models import FaqEntry
from faq.service import get_entry
from faq.versions import snapshot
from tests.faq.console.conftest import form_token
from tests.faq.console.test_entries import draft, form_data, published

NEW = "/staff/faq/new"


def error_beside(html: str, field: str) -> list[str]:
    """The messages shown inside the field's own block (its label, control and errors)."""
    block = re.search(rf'<div class="field has-error">\s*<label for="f-{field}">.*?</div>', html, re.S)
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', block.group(0)) if block else []


def entry_count(kb_app) -> int:
    with kb_app.app_context():
        return db.session.scalar(select(func.count()).select_from(FaqEntry))


def test_a_wrong_form_shows_each_error_beside_its_field_and_keeps_the_input(kb_app, editor):
    token = form_token(editor, NEW)
    data = form_data(token, question="  ", category="999999", valid_from="2026-05-01", valid_until="2026-04-01",
                     answer="<b>加粗</b>", similar=["暖气片不热咋整", "家里暖气温度低找谁"], key="Bad Key!")
    response = editor.post(NEW, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_beside(html, "question") == ["标准问不能为空"]
    assert error_beside(html, "category") == ["找不到分类代码「999999」"]
    assert error_beside(html, "valid_until") == ["失效日期不能早于生效日期"]
    assert error_beside(html, "answer") == ["简短答复不能包含 HTML 标签（请写纯文字）"]
    assert "只能用小写字母" in error_beside(html, "key")[0]
    assert error_beside(html, "similar") == []
    # what the editor typed is all still there, escaped
    assert ">暖气片不热咋整\n家里暖气温度低找谁</textarea>" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;</textarea>" in html
    assert 'name="valid_from" type="date" value="2026-05-01"' in html
    assert 'value="Bad Key!"' in html
    assert entry_count(kb_app) == 0
    # fixed, it saves as a draft and opens the entry
    response = editor.post(NEW, data=form_data(token, key="heating-cold"))
    assert response.status_code == 302
    with kb_app.app_context():
        entry = get_entry(db.session, "heating-cold")
        assert (entry.status, entry.similar, entry.keywords) == ("draft", ["暖气片不热咋整", "家里暖气温度低找谁"],
                                                                 ["暖气", "不热"])
        assert entry.department.code == "RLJT"  # the category's default unit
        assert entry.created_by.username == entry.updated_by.username == "editor1"
        assert response.headers["Location"] == f"/staff/faq/{entry.id}"
    assert "已保存为草稿" in editor.get(response.headers["Location"]).get_data(as_text=True)


def test_keywords_split_on_spaces_and_commas_and_policies_are_checked(kb_app, editor):
    from tests.faq.conftest import make_policy
    with kb_app.app_context():
        make_policy(db.session, "heating-rules")
        db.session.commit()
    token = form_token(editor, NEW)
    data = form_data(token, policies=["heating-rules"]) | {"keywords": "暖气， 不热、室温;报修"}
    assert editor.post(NEW, data=data).status_code == 302
    with kb_app.app_context():
        entry = get_entry(db.session, "heating-cold")
        assert entry.keywords == ["暖气", "不热", "室温", "报修"]
        assert [policy.slug for policy in entry.policies] == ["heating-rules"]
        edit_page = editor.get(f"/staff/faq/{entry.id}").get_data(as_text=True)
    assert re.search(r'name="policies" value="heating-rules"\s+checked', edit_page)
    unknown = editor.post(NEW, data=form_data(token, key="other", policies=["no-such-policy"]))
    assert error_beside_policies(unknown.get_data(as_text=True)) == ["找不到政策文件「no-such-policy」"]


def error_beside_policies(html: str) -> list[str]:
    block = re.search(r'<div class="field has-error">\s*<span class="label">引用政策</span>.*?</div>\s*</div>', html,
                      re.S)
    return re.findall(r'<p class="error">(.*?)</p>', block.group(0)) if block else []


def test_a_key_already_taken_is_refused_beside_the_key(kb_app, editor):
    draft(kb_app)
    response = editor.post(NEW, data=form_data(form_token(editor, NEW)))
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "key") == ["标识「heating-cold」已被其他条目使用"]
    assert entry_count(kb_app) == 1


def test_editing_saves_the_working_copy_and_keeps_serving_the_published_one(kb_app, editor):
    entry_id = published(kb_app)
    url = f"/staff/faq/{entry_id}"
    page = editor.get(url).get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    response = editor.post(url, data=form_data(form_token(editor, url), answer="新的答复") | {"seen": seen})
    assert response.status_code == 302
    html = editor.get(url).get_data(as_text=True)
    assert "已保存（尚未发布：市民看到的仍是上一次发布的内容）" in html
    assert '<span class="badge pending">有未发布修改</span>' in html
    with kb_app.app_context():
        entry = get_entry(db.session, entry_id)
        assert entry.answer == "新的答复" and entry.live_version == 1


def test_a_save_on_a_stale_copy_is_refused_and_keeps_the_input(kb_app, editor, staff_client):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    page = editor.get(url).get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    # another editor saves first (only a similar question: no column of the entry row changes)
    other = staff_client("editor")
    other_page = other.get(url).get_data(as_text=True)
    other_seen = re.search(r'name="seen" value="([^"]+)"', other_page).group(1)
    assert other_seen == seen
    assert other.post(url, data=form_data(form_token(other, url), similar=["对方加的问法"]) | {"seen": other_seen}
                      ).status_code == 302
    mine = form_data(form_token(editor, url), answer="我写的新答复") | {"seen": seen}
    response = editor.post(url, data=mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "这个条目在您打开之后已被editor 测试修改" in html
    assert ">我写的新答复</textarea>" in html
    with kb_app.app_context():
        entry = get_entry(db.session, entry_id)
        assert entry.similar == ["对方加的问法"] and entry.answer != "我写的新答复"
        latest = edit_stamp(entry)
    # the editor may then knowingly overwrite, with the stamp of the copy they were warned about
    overwrite = re.search(r'name="overwrite" value="([^"]+)"', html).group(1)
    assert overwrite == latest
    assert editor.post(url, data=mine | {"overwrite": overwrite}).status_code == 302
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).answer == "我写的新答复"


def test_a_form_without_its_stamp_is_refused(kb_app, editor):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    response = editor.post(url, data=form_data(form_token(editor, url), answer="没有版本戳"))
    assert response.status_code == 409
    assert "已被其他人修改" in response.get_data(as_text=True)  # the entry was made without an editor
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).answer != "没有版本戳"


def test_the_same_editor_in_two_tabs_is_told_so(kb_app, editor):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    token = form_token(editor, url)
    seen = re.search(r'name="seen" value="([^"]+)"', editor.get(url).get_data(as_text=True)).group(1)
    assert editor.post(url, data=form_data(token, answer="第一个标签页") | {"seen": seen}).status_code == 302
    response = editor.post(url, data=form_data(token, answer="第二个标签页") | {"seen": seen})
    assert response.status_code == 409
    assert "已被您（在另一个窗口或标签页中）修改" in response.get_data(as_text=True)


def test_preview_renders_markdown_escapes_html_and_saves_nothing(kb_app, editor):
    token = form_token(editor, NEW)
    data = form_data(token, answer="", category="",
                     answer_long="## 报修步骤\n\n1. 拨打热线\n\n<script>alert('x')</script>\n\n**24 小时**内上门")
    response = editor.post(NEW, data=data | {"action": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = re.search(r'<article class="preview h5-preview">(.*?)</article>', html, re.S).group(1)
    assert "<h2>报修步骤</h2>" in preview and "<strong>24 小时</strong>" in preview and "<ol>" in preview
    assert "<script>" not in html.split('<section class="card" id="preview">')[1].split("</section>")[0]
    assert "&lt;script&gt;" in preview
    blockers = re.search(r'<ul class="blockers">(.*?)</ul>', html, re.S).group(1)
    assert "发布前须填写简短答复" in blockers and "发布前须选择分类" in blockers
    assert entry_count(kb_app) == 0


def test_preview_shows_the_chat_reply_as_the_citizen_gets_it(kb_app, editor):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    data = form_data(form_token(editor, url), answer="拨打 96123 报修 <3") | {"action": "preview", "seen": "x"}
    html = editor.post(url, data=data).get_data(as_text=True)
    chat = re.search(r'<div class="chat-bubble">(.*?)</div>', html, re.S).group(1)
    assert chat.startswith("拨打 96123 报修 &lt;3\n\n👉 查看完整解答：")
    assert chat.endswith(f"/h5/faq/{entry_id}")
    assert "内容完整，可以发布" in html
    with kb_app.app_context():
        assert get_entry(db.session, entry_id).answer != "拨打 96123 报修 <3"


def test_an_archived_entry_cannot_be_saved(kb_app, editor):
    entry_id = draft(kb_app)
    url = f"/staff/faq/{entry_id}"
    token = form_token(editor, url)
    editor.post(f"{url}/archive", data={"csrf_token": token})
    page = editor.get(url).get_data(as_text=True)
    assert "已归档的条目不能编辑，请先恢复为草稿" in page and "<fieldset disabled>" in page
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    response = editor.post(url, data=form_data(token, answer="改归档的") | {"seen": seen})
    assert response.status_code == 409
    assert "已归档的条目不能编辑，请先恢复为草稿" in response.get_data(as_text=True)


def test_an_unknown_entry_is_a_404(editor):
    assert editor.get("/staff/faq/999999").status_code == 404


def test_the_form_shows_the_saved_values(kb_app, editor):
    entry_id = published(kb_app, valid_from="2025-11-15", keywords=["暖气", "室温"])
    html = editor.get(f"/staff/faq/{entry_id}").get_data(as_text=True)
    with kb_app.app_context():
        snap = snapshot(get_entry(db.session, entry_id))
    assert f'value="{snap["question"]}"' in html
    assert 'value="暖气 室温"' in html
    assert 'value="2025-11-15"' in html
    assert re.search(r'<option value="010101"\s+selected>', html)
    assert f'href="/h5/faq/{entry_id}"' in html
