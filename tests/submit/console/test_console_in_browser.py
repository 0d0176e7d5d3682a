"""A demo heating ticket walked from 受理 to 办结 through the console in headless Chromium, against what
`make run` serves: the agent dispatches it to the heating company (RLJT), the company's handler signs
for it, starts and replies, the agent approves the reply, records the phone 回访 and closes it.
Screenshots of the queue and the ticket page go to test-output/screenshots."""
from __future__ import annotations

import re

from tests.submit.console.conftest import sign_in_demo

DESK = {"width": 1280, "height": 900}
REPLY = "已派维修人员上门，更换了单元供暖阀门，室温已恢复到20度。"


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def submit(page, form: str) -> None:
    """Post a form of the ticket page and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"#{form} button[type=submit]").click()


def open_action(page, action: str) -> None:
    page.locator(f"#action-{action} > summary").click()
    page.locator(f"#form-{action}").wait_for()


def status(page) -> str:
    return page.locator("#ticket-status").inner_text()


def test_a_heating_ticket_from_received_to_closed(page, live_service, screenshots):
    base = live_service.base
    page.set_viewport_size(DESK)
    sign_in_demo(page, base, "agent")
    page.get_by_role("link", name="工单").first.click()
    page.wait_for_url(f"{base}/staff/tickets/")
    assert page.locator("nav.tabs a.active").inner_text().startswith("待派单")

    # The waiting heating tickets (供热 and below), as an agent narrows the queue.
    page.get_by_label("分类").select_option("0101")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.queue-table tbody tr")
    assert rows.count() >= 1 and "category=0101" in page.url
    assert page.locator("table.queue-table").get_by_text("****").count() >= 1  # phones masked in the list
    page.screenshot(path=screenshots / "console-queue.png", full_page=True)
    number = rows.first.get_attribute("data-number")
    rows.first.get_by_role("link", name=number).click()
    page.wait_for_url(f"{base}/staff/tickets/{number}")
    ticket_url = page.url
    assert status(page) == "受理"

    # 显示号码: the full number only after the view is recorded.
    assert "****" in page.locator("#citizen-phone").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="显示号码").click()
    assert re.search(r"1\d{10}", page.locator("#citizen-phone").inner_text())
    page.goto(ticket_url)

    # 派单 to the heating company.
    open_action(page, "dispatch")
    page.get_by_label("主办单位").select_option(label="太原市热力集团有限责任公司")
    submit(page, "form-dispatch")
    assert status(page) == "已派单" and "太原市热力集团有限责任公司" in page.locator("#department").inner_text()
    assert "查看联系电话" not in page.locator("#history").inner_text()  # phone views are listed apart
    assert page.locator("#contact-views").inner_text().count("话务员") >= 1
    sign_out(page)

    # The company signs for it, starts and replies.
    sign_in_demo(page, base, "handler")
    page.goto(ticket_url)
    submit(page, "form-accept")
    assert status(page) == "已签收"
    open_action(page, "start")
    submit(page, "form-start")
    assert status(page) == "办理中"
    open_action(page, "reply")
    submit(page, "form-reply")  # nothing written yet: refused beside the field
    assert page.locator("#error-reply-note").is_visible()
    page.locator("#reply-note").fill(REPLY)
    submit(page, "form-reply")
    assert status(page) == "已答复待审核"
    sign_out(page)

    # The hotline approves the reply, records the 回访 call and closes the ticket.
    sign_in_demo(page, base, "agent")
    page.goto(ticket_url)
    open_action(page, "approve")
    assert page.locator("#approve-note").input_value() == REPLY
    submit(page, "form-approve")
    assert status(page) == "待回访"
    form = page.locator("#form-follow_up_call")
    form.get_by_label("已联系上").check()
    form.get_by_label("是否解决").select_option(label="已解决")
    form.get_by_label("满意度").select_option(label="满意")
    form.get_by_label("市民意见 / 回访说明").fill("市民说暖气已经热了，谢谢")
    submit(page, "form-follow_up_call")
    assert "已解决，满意" in page.locator("#follow-up").inner_text()
    open_action(page, "close")
    submit(page, "form-close")
    assert status(page) == "办结"
    history = page.locator("#history").inner_text()
    for step in ("派单", "签收", "开始办理", "答复", "审核通过", "电话回访", "办结"):
        assert step in history, step
    messages = page.locator("#notifications").inner_text()  # the citizen was told (a phone caller has no WeChat)
    assert "已转交太原市热力集团有限责任公司办理" in messages or "电话渠道的工单" in messages
    page.screenshot(path=screenshots / "console-ticket.png", full_page=True)
