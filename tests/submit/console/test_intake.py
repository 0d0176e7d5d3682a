"""电话受理 (/staff/tickets/new): an agent enters a caller's matter through create_ticket (channel phone,
`by` the agent), errors beside the fields, one ticket per form, optional immediate 派单, the caller's
recent tickets beside the form, roles and CSRF."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from submit.models import Ticket
from tests.submit.console.conftest import sign_in_demo
from tests.submit.console.intake_support import COLD
from tests.submit.workflow_support import department
from tests.support import csrf_token_from

URL = "/staff/tickets/new"
KEY = re.compile(r'name="key" type="hidden" value="([^"]+)"|type="hidden" name="key" value="([^"]+)"|'
                 r'id="key" name="key" type="hidden" value="([^"]+)"')
CALLER = {"request_type": "complaint", "category": "010101", "content": COLD, "address": "小店区坞城路88号3单元502",
          "name": "陈先生", "phone": "0351-7654321"}


def form_page(client, url: str = URL) -> tuple[str, str, str]:
    """(page, CSRF token, form key) of a fresh intake form."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    key = next(group for group in KEY.search(html).groups() if group)
    return html, csrf_token_from(html), key


def post(client, **fields):
    _html, token, key = form_page(client)
    return client.post(URL, data={"csrf_token": token, "key": key, **CALLER, **fields})


def count(desk) -> int:
    return desk.run(lambda flow: flow.session.scalar(select(func.count()).select_from(Ticket)))


def test_agent_enters_a_phone_ticket(desk):
    agent = desk.client("agent")
    response = post(agent)
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]

    def entered(flow):
        ticket = flow.session.scalar(select(Ticket).where(Ticket.number == number))
        created = ticket.events[0]
        return (ticket.channel, ticket.created_by.username, ticket.citizen_openid, ticket.phone, ticket.status,
                created.kind, created.actor_kind, created.actor_staff.username, created.actor_role)

    assert desk.run(entered) == ("phone", "agent", None, "03517654321", "received", "created", "staff", "agent",
                                 "agent")
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert f"已受理来电，工单编号 {number}" in page and "电话" in page


def test_double_submit_makes_one_ticket(desk):
    agent = desk.client("agent")
    _html, token, key = form_page(agent)
    data = {"csrf_token": token, "key": key, **CALLER}
    first, second = agent.post(URL, data=data), agent.post(URL, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(desk) == 1
    assert post(agent).headers["Location"] != first.headers["Location"]  # a new form is a new ticket
    assert count(desk) == 2


def test_errors_beside_fields_and_nothing_lost(desk):
    agent = desk.client("agent")
    response = post(agent, category="0101", content="暖气不热", name="", phone="12345",
                    address="<script>alert(1)</script>")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and count(desk) == 0
    for field, words in [("category", "下还有细分类"), ("content", "至少 10 个字"), ("name", "请填写姓名"),
                         ("phone", "请填写正确的手机号码")]:
        block = page[page.index(f'id="{field}"'):]
        assert words in block[:block.index("</div>")], field
    assert 'value="12345"' in page and "暖气不热</textarea>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_request_type_missing(desk):
    response = post(desk.client("agent"), request_type="")
    assert response.status_code == 422 and "请选择诉求类型" in response.get_data(as_text=True)


def test_dispatch_at_once(desk):
    unit = desk.run(lambda flow: department(flow.session, "XDQ_WC").id)
    response = post(desk.client("supervisor"), department=str(unit), instruction="坞城街道先行入户查看")
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    assert desk.status(number) == "dispatched" and desk.kinds(number) == ["created", "dispatched"]
    assert desk.read(number, lambda ticket: (ticket.department.code, ticket.events[1].reason)) == (
        "XDQ_WC", "坞城街道先行入户查看")


@pytest.mark.parametrize(("unit", "words"), [("999999", "请选择主办单位"), ("abc", "请从列表中选择承办单位"),
                                              ("inactive", "已停用")])
def test_refused_dispatch_keeps_nothing(desk, unit, words):
    if unit == "inactive":
        def retire(flow):
            found = department(flow.session, "XDQ_WC")
            found.active = False
            flow.session.commit()
            return str(found.id)
        unit = desk.run(retire)
    response = post(desk.client("agent"), department=unit)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and count(desk) == 0
    block = page[page.index('id="department"'):]
    assert words in block[:block.index("</div>")]


def test_stale_form_key_keeps_the_input(desk):
    agent = desk.client("agent")
    _html, token, _key = form_page(agent)
    response = agent.post(URL, data={"csrf_token": token, "key": "bad", **CALLER})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and count(desk) == 0
    assert "表单已失效" in page and "陈先生" in page and KEY.search(page)


def test_csrf_required(desk):
    agent = desk.client("agent")
    _html, _token, key = form_page(agent)
    assert agent.post(URL, data={"key": key, **CALLER}).status_code == 400
    assert count(desk) == 0


@pytest.mark.parametrize("role", ["handler", "analyst", "editor"])
def test_only_hotline_staff_take_calls(desk, role):
    client = desk.client(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/caller?phone=13812345678").status_code == 403
    assert client.post(URL, data={"csrf_token": desk.token(client), "key": "k" * 24, **CALLER}).status_code == 403
    assert count(desk) == 0


def test_callers_recent_tickets_beside_the_form(desk):
    earlier = desk.ticket(phone="0351-7654321", content=COLD)
    desk.ticket(phone="13912345678")
    agent = desk.client("agent")
    html, _token, _key = form_page(agent, f"{URL}?phone=0351-7654321")
    assert earlier in html and 'value="0351-7654321"' in html and "该号码没有工单记录" not in html
    panel = agent.get(f"{URL}/caller?phone=03517654321").get_data(as_text=True)
    assert earlier in panel and panel.count("<li>") == 1
    assert "该号码没有工单记录" in agent.get(f"{URL}/caller?phone=13700001111").get_data(as_text=True)
    assert "号码格式不正确" in agent.get(f"{URL}/caller?phone=12").get_data(as_text=True)


# --- in Chromium, against what `make run` serves (demo data: tickets, 常用语) ----------------------------

def test_a_call_entered_dispatched_and_answered_with_a_canned_reply(page, browser, live_service, screenshots):
    base = live_service.base
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_demo(page, base, "agent")
    page.goto(f"{base}{URL}")
    page.get_by_label("来电号码").fill("139 0351 0217")  # a demo citizen: her earlier ticket shows beside the form
    page.locator("#caller-panel li").first.wait_for()
    assert "暖气" in page.locator("#caller-panel").inner_text()
    page.get_by_label("来电人姓名").fill("王女士")
    page.get_by_label("诉求类型").select_option(label="求助")
    page.get_by_label("诉求分类").select_option("010101")
    page.get_by_label("诉求内容").fill(COLD)
    page.get_by_label("事发地址").fill("小店区坞城路街道学苑小区7号楼2单元601")
    page.screenshot(path=screenshots / "console-intake.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="提交受理").click()
    assert "已受理来电" in page.locator(".flash").inner_text()
    ticket_url = page.url

    # 派单: the suggestion is pre-selected; 选用 puts it back after another choice.
    page.locator("#action-dispatch > summary").click()
    suggested = page.locator("#suggestions [data-first]")
    assert "分类默认" in suggested.inner_text()
    department = page.locator("#form-dispatch select[name=department]")
    assert department.input_value() == suggested.get_attribute("data-department")
    department.select_option(index=3)
    suggested.get_by_role("button", name="选用").click()
    assert department.input_value() == suggested.get_attribute("data-department")
    with page.expect_navigation():
        page.locator("#form-dispatch button[type=submit]").click()
    assert page.locator("#ticket-status").inner_text() == "已派单"

    # The heating company signs and answers, starting from the nearest canned reply.
    handler = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    sign_in_demo(handler, base, "handler")
    handler.goto(ticket_url)
    with handler.expect_navigation():
        handler.locator("#form-accept button[type=submit]").click()
    handler.locator("#action-reply > summary").click()
    handler.locator("#form-reply [data-canned-select]").select_option(label="暖气不热 · 暖气不热·已上门测温处理")
    reply = handler.locator("#form-reply textarea[name=note]").input_value()
    assert reply.startswith("王女士您好，太原市热力集团有限责任公司已派维修人员上门测温")
    handler.screenshot(path=screenshots / "console-canned-reply.png", full_page=True)
    handler.context.close()
