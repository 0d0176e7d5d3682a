"""The media seat in real headless Chromium, against what `make run` serves (demo data: a simulated
month replayed through detection): the analyst opens the seat, its chart is drawn, opens an alert
and sees its evidence masked and no actions; the supervisor sees the actions."""
from __future__ import annotations

import re

DESK = {"width": 1280, "height": 900}


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/staff/"))


def test_the_analyst_reads_the_seat_and_an_alert(page, live_service, screenshots):
    base = live_service.base
    page.set_viewport_size(DESK)
    sign_in(page, base, "analyst", "analyst-demo-2026")
    page.goto(f"{base}/staff/insight/")
    page.get_by_role("heading", name="媒体专席 · 未诉先办").wait_for()
    page.locator("#category-chart[data-drawn='1'] svg").wait_for()  # ECharts drew the trends
    assert page.locator("#category-chart svg path").count() > 3
    assert page.get_by_role("link", name="未诉先办").count() == 1  # the console's nav links here
    page.screenshot(path=screenshots / "insight-seat.png", full_page=True)

    first = page.locator("table a[href*='/staff/insight/alerts/']").nth(1)
    summary = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/staff/insight/alerts/\d+$"))
    assert page.locator("p.summary").inner_text() == summary
    page.locator("#alert-chart[data-drawn='1'] svg").wait_for()
    text = page.locator("main").inner_text()
    assert "相关工单" in text or "相关提问" in text
    assert not re.search(r"1[3-9]\d{9}", text)  # no phone number in full
    assert page.get_by_role("button", name="转为主动治理工单并派发").count() == 0
    page.screenshot(path=screenshots / "insight-alert-analyst.png", full_page=True)

    page.get_by_role("link", name="每周简报").click()
    page.get_by_role("heading", name=re.compile("来自12345媒体专席")).wait_for()
    page.emulate_media(media="print")
    assert page.locator("nav.tabs").is_hidden() and page.locator(".topbar").is_hidden()
    page.screenshot(path=screenshots / "insight-briefing-print.png", full_page=True)


def test_the_supervisor_sees_the_actions(browser, live_service, screenshots):
    context = browser.new_context(locale="zh-CN", viewport=DESK)
    page = context.new_page()
    try:
        sign_in(page, live_service.base, "supervisor", "supervisor-demo-2026")
        page.goto(f"{live_service.base}/staff/insight/alerts")
        page.locator("table a[href*='/staff/insight/alerts/']").first.click()
        page.wait_for_url(re.compile(r"/staff/insight/alerts/\d+$"))
        assert page.get_by_role("button", name="转为主动治理工单并派发").count() == 1
        assert page.get_by_label("承办单位").locator("option").count() > 10
        page.screenshot(path=screenshots / "insight-alert-supervisor.png", full_page=True)
    finally:
        context.close()
