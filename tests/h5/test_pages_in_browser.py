"""The H5 shell and the staff login in real headless Chromium, against what `make run` serves."""

# Two different characters drawn on a canvas: with no CJK font both come out as the same box.
GLYPHS_DIFFER = """() => {
  const draw = (ch) => {
    const canvas = document.createElement('canvas'); canvas.width = 40; canvas.height = 40;
    const ctx = canvas.getContext('2d'); ctx.font = '32px sans-serif'; ctx.fillText(ch, 2, 32);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(',');
  };
  return draw('暖') !== draw('热');
}"""


def test_h5_home_renders_chinese_with_weui_and_care_mode(page, live_service, screenshots):
    page.goto(f"{live_service.base}/h5/")
    assert page.evaluate(GLYPHS_DIFFER), "Chinese renders as boxes: install fonts-wqy-microhei"
    assert page.locator(".weui-cell").count() == 4
    assert page.locator(".weui-cell").first.evaluate("el => getComputedStyle(el).display") == "flex"  # WeUI loaded
    assert page.locator("a.weui-cell_access").count() == 4  # every service open, 微受理 and 我的工单 included
    page.screenshot(path=screenshots / "h5-home.png", full_page=True)
    font_size = "el => parseFloat(getComputedStyle(el).fontSize)"
    normal = page.locator(".weui-cell").first.evaluate(font_size)
    with page.expect_navigation():
        page.get_by_role("button", name="开启长辈模式（大字）").click()
    assert page.locator("body").get_attribute("data-weui-mode") == "care"
    assert page.locator(".weui-cell").first.evaluate(font_size) >= normal + 2  # 大字: the text really grows
    page.screenshot(path=screenshots / "h5-home-care.png", full_page=True)


def test_staff_login_in_the_browser(page, live_service, screenshots):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_service.base}/staff/login")
    page.get_by_label("用户名").fill("analyst")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.locator(".error").inner_text() == "用户名或密码不正确"
    assert page.get_by_label("用户名").input_value() == "analyst"
    page.screenshot(path=screenshots / "staff-login-error.png")
    page.get_by_label("密码").fill("analyst-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_service.base}/staff/")
    assert "媒体专席 陈静" in page.content()
    page.goto(f"{live_service.base}/staff/reference")
    assert page.get_by_text("暖气不热").count() >= 1
    page.screenshot(path=screenshots / "staff-reference.png", full_page=True)


def test_faq_search_as_you_type_and_an_entry_page(page, live_service, screenshots):
    page.goto(f"{live_service.base}/h5/faq/")
    page.get_by_label("输入您的问题").type("暖气不热", delay=30)
    first = page.locator("#suggest a").first
    first.wait_for(timeout=10_000)
    page.screenshot(path=screenshots / "faq-suggest.png", full_page=True)
    first.click()
    page.wait_for_url(f"{live_service.base}/h5/faq/*")
    assert page.locator("article h1").inner_text()
    assert page.get_by_role("button", name="有用").is_visible()
    page.screenshot(path=screenshots / "faq-entry.png", full_page=True)
    page.get_by_role("button", name="没用").click()
    assert "您已评价：没用" in page.content()
