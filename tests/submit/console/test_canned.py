"""常用语: editing at /staff/tickets/canned (roles, validation, CSRF), the replies offered for a ticket's
category nearest first with placeholders filled, the partial on the ticket page, the demo loader."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import db
from submit.canned import CannedIn, InvalidCannedReply, create_canned, fill, load_demo_canned, replies_for
from submit.models import CannedReply, Ticket
from tests.submit import workflow_support as support
from tests.submit.console.intake_support import token

flow = support.flow
URL = "/staff/tickets/canned"
HEATING_LEAF, HEATING, CITY, NOISE = "010101", "0101", "01", "050302"


def post_new(client, **fields):
    data = {"csrf_token": token(client, URL), "title": "", "category": "", "text": "", "active": "y", **fields}
    return client.post(URL, data=data)


def rows(desk) -> list[tuple[str, str | None, bool]]:
    return desk.run(lambda flow: [(row.title, row.category.code if row.category else None, row.active)
                                  for row in flow.session.scalars(select(CannedReply).order_by(CannedReply.id))])


# --- offered for a ticket ------------------------------------------------------------------------------

def add(session, title: str, category: str = "", *, active: bool = True, text: str = "您好，工单{编号}已处理完毕。"):
    row = create_canned(session, CannedIn(title=title, text=text, category=category, active=active),
                        by=support.people(session).agent)
    session.commit()
    return row


def test_replies_for_a_ticket_nearest_category_first(flow):
    session = flow.session
    add(session, "通用答复")
    add(session, "城乡建设类", CITY)
    add(session, "供热类", HEATING)
    add(session, "暖气不热专用", HEATING_LEAF)
    add(session, "夜间施工", NOISE)  # another branch: never offered here
    add(session, "停用的", HEATING_LEAF, active=False)
    ticket = flow.ticket()
    offered = replies_for(session, ticket)
    assert [item.reply.title for item in offered] == ["暖气不热专用", "供热类", "城乡建设类", "通用答复"]
    assert [item.scope for item in offered] == ["暖气不热", "供热", "城乡建设", "通用"]
    assert offered[0].text == f"您好，工单{ticket.number}已处理完毕。"


def test_placeholders_filled_and_citizen_hidden_when_asked(flow):
    ticket = flow.at("dispatched", name="刘女士")
    text = "{市民}您好，工单{编号}由{承办单位}办理（{诉求分类}，{受理日期}受理）。{未知}"
    filled = fill(text, ticket)
    assert filled.startswith(f"刘女士您好，工单{ticket.number}由{ticket.department.name}办理（暖气不热，")
    assert "年" in filled and filled.endswith("受理）。{未知}")
    assert fill(text, ticket, citizen_shown=False).startswith("市民您好")


@pytest.mark.parametrize(("given", "field", "words"), [
    (CannedIn(title="", text="您好，已处理完毕。"), "title", "请填写标题"),
    (CannedIn(title="标" * 51, text="您好，已处理完毕。"), "title", "标题最多 50 字"),
    (CannedIn(title="短", text="好"), "text", "至少 5 个字"),
    (CannedIn(title="长", text="字" * 2001), "text", "最多 2000 字"),
    (CannedIn(title="占位", text="您好{市民名}，已处理完毕。"), "text", "不认识的占位符：市民名"),
    (CannedIn(title="分类", text="您好，已处理完毕。", category="999999"), "category", "分类不存在"),
])
def test_service_refuses_bad_fields(flow, given, field, words):
    with pytest.raises(InvalidCannedReply) as refused:
        create_canned(flow.session, given, by=flow.people.agent)
    assert any(words in message for message in refused.value.by_field()[field])


def test_same_title_refused_in_one_category_but_not_in_another(flow):
    add(flow.session, "已处理", HEATING)
    add(flow.session, "已处理")  # general: another scope
    with pytest.raises(InvalidCannedReply) as refused:
        add(flow.session, "已处理", HEATING)
    assert "已有同名" in refused.value.by_field()["title"][0]


# --- the editing page ----------------------------------------------------------------------------------

def test_agent_creates_edits_and_deletes(desk):
    agent = desk.client("agent")
    created = post_new(agent, title="暖气已修复", category=HEATING, text="{市民}您好，暖气已修复，室温已达标。")
    assert created.status_code == 302
    assert rows(desk) == [("暖气已修复", HEATING, True)]
    reply_id = desk.run(lambda flow: flow.session.scalar(select(CannedReply.id)))
    listing = agent.get(URL).get_data(as_text=True)
    assert "暖气已修复" in listing and "城乡建设 → 供热" in listing
    edit_url = f"{URL}/{reply_id}/edit"
    saved = agent.post(edit_url, data={"csrf_token": token(agent, edit_url), "title": "暖气已修复（上门）",
                                       "category": HEATING_LEAF, "text": "{市民}您好，已上门修复。"})
    assert saved.status_code == 302 and rows(desk) == [("暖气已修复（上门）", HEATING_LEAF, False)]
    delete_url = f"{URL}/{reply_id}/delete"
    assert "确认删除" in agent.get(delete_url).get_data(as_text=True)
    assert agent.post(delete_url, data={"csrf_token": token(agent, delete_url)}).status_code == 302
    assert rows(desk) == []


def test_errors_beside_fields_and_input_kept(desk):
    agent = desk.client("agent")
    response = post_new(agent, title="", category="nope", text="您好{未知}，<b>已处理</b>")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and rows(desk) == []
    assert page.count('class="error"') == 3
    assert "请填写标题" in page and "分类不存在" in page and "不认识的占位符：未知" in page
    assert "您好{未知}，&lt;b&gt;已处理&lt;/b&gt;" in page  # kept, escaped


def test_roles(desk):
    reply_id = desk.run(lambda flow: add(flow.session, "通用答复").id)
    handler = desk.client("handler")
    listing = handler.get(URL)
    assert listing.status_code == 200 and "通用答复" in listing.get_data(as_text=True)
    assert "新增常用语" not in listing.get_data(as_text=True)
    csrf = desk.token(handler)
    assert handler.post(URL, data={"csrf_token": csrf, "title": "x", "text": "您好，已处理完毕。"}).status_code == 403
    assert handler.get(f"{URL}/{reply_id}/edit").status_code == 403
    assert handler.post(f"{URL}/{reply_id}/delete", data={"csrf_token": csrf}).status_code == 403
    for role in ("analyst", "editor"):
        assert desk.client(role).get(URL).status_code == 403
    assert desk.app.test_client().get(URL).status_code == 302  # to the login page
    supervisor = desk.client("supervisor")
    assert post_new(supervisor, title="值班长的", text="您好，已处理完毕。").status_code == 302
    assert [title for title, *_ in rows(desk)] == ["通用答复", "值班长的"]


def test_csrf_required(desk):
    agent = desk.client("agent")
    response = agent.post(URL, data={"title": "无令牌", "text": "您好，已处理完毕。"})
    assert response.status_code == 400 and rows(desk) == []


# --- the partial on the ticket page --------------------------------------------------------------------

def test_ticket_page_offers_the_categorys_replies_in_the_reply_form(desk):
    desk.run(lambda flow: (add(flow.session, "暖气专用", HEATING_LEAF, text="{市民}您好，工单{编号}已修复。"),
                           add(flow.session, "夜间施工", NOISE)))
    number = desk.ticket("accepted", name="周先生")
    page = desk.page(desk.client("handler"), number).get_data(as_text=True)
    reply_form = page[page.index('id="form-reply"'):]
    reply_form = reply_form[:reply_form.index("</form>")]
    assert "常用语" in reply_form and "暖气不热 · 暖气专用" in reply_form
    assert f"周先生您好，工单{number}已修复。" in reply_form and "夜间施工" not in page


def test_confidential_citizen_is_not_named_to_the_department(desk):
    desk.run(lambda flow: add(flow.session, "暖气专用", HEATING_LEAF, text="{市民}您好，已修复。"))
    number = desk.ticket("accepted", name="周先生", confidential=True)
    page = desk.page(desk.client("handler"), number).get_data(as_text=True)
    assert "市民您好，已修复。" in page and "周先生" not in page


# --- demo data -----------------------------------------------------------------------------------------

def test_demo_canned_replies_load_once(flow):
    first = load_demo_canned(flow.session)
    flow.session.commit()
    assert 10 <= first <= 15
    assert load_demo_canned(flow.session) == 0
    assert flow.session.scalar(select(func.count()).select_from(CannedReply)) == first
    ticket = db.session.get(Ticket, flow.ticket().id)
    titles = [item.reply.title for item in replies_for(flow.session, ticket)]
    assert titles[0] == "暖气不热·已上门测温处理" and "供热标准说明" in titles and "已受理并转办" in titles
