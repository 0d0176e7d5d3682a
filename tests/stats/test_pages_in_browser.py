"""The figures and the overview in headless Chromium against what `make run` serves (its demo history):
the vendored ECharts draws both charts; screenshots go to test-output/screenshots."""

CANVASES = "() => Array.from(document.querySelectorAll('.chart canvas')).filter(c => c.width > 0).length"


def test_a_supervisor_reads_the_figures_and_the_overview(page, live_service, screenshots):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_service.base}/staff/login")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("supervisor-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_service.base}/staff/")
    page.get_by_role("link", name="统计").click()
    page.wait_for_url(f"{live_service.base}/staff/stats/")
    page.wait_for_function(CANVASES + " >= 2", timeout=15_000)  # ECharts loaded from /static and drew
    total = page.locator("tr.total td").nth(1).inner_text()
    assert int(total) > 20  # the demo history's tickets of this month
    assert page.get_by_text("非常满意计为满意").count() == 1
    page.screenshot(path=screenshots / "stats-figures.png", full_page=True)
    page.locator(".stats-charts").screenshot(path=screenshots / "stats-charts.png")
    page.select_option("#kind", "custom")
    assert page.locator("#start").is_visible() and not page.locator("#on").is_visible()
    page.fill("#end", "2026-11-30")  # no start date
    with page.expect_navigation():
        page.get_by_role("button", name="统计").click()
    assert page.locator(".has-error").get_by_text("请填写开始日期").count() == 1
    assert page.locator("#end").input_value() == "2026-11-30" and page.locator("#start").is_visible()
    page.goto(f"{live_service.base}/staff/stats/overview")
    assert page.locator("#overdue a[href^='/staff/tickets/']").count() >= 1
    page.screenshot(path=screenshots / "stats-overview.png", full_page=True)
