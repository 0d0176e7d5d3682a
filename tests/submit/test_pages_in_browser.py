"""微受理 H5 in real headless Chromium at a phone's width, against what `make run` serves: the form
with a photo (an error first, the photo kept), the ticket number, 我的工单 and the ticket page."""
from __future__ import annotations

import re

from tests.submit.h5_support import png

PHONE = {"width": 360, "height": 740}
CONTENT = "坞城路与长风街路口的路灯连续一周不亮，晚上行人过马路很危险，请尽快修复。"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def image_drawn(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_citizen_submits_with_a_photo_and_follows_the_ticket(page, live_service, screenshots):
    base = live_service.base
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/h5/submit/?type=complaint")
    page.wait_for_url(re.compile(r"/wechat/h5/dev-login\?"))  # a plain browser: the demo sign-in stands in for WeChat
    page.get_by_role("button", name="以此身份进入").nth(2).click()  # 市民丙
    page.wait_for_url(re.compile(r"/h5/submit/\?type=complaint$"))
    assert page.get_by_label("类型").input_value() == "complaint"
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "submit-form.png", full_page=True)

    page.get_by_label("诉求内容").fill("路灯坏了")
    assert page.locator("#content-count").inner_text() == "4"  # the counter follows the typing
    page.get_by_label("分类").select_option(value="0303")
    page.get_by_label("地址").fill("小店区坞城路与长风街路口")
    page.get_by_label("姓名").fill("王先生")
    page.get_by_label("电话").fill("13912345678")
    page.get_by_label("添加图片").set_input_files(
        [{"name": "路灯.png", "mimeType": "image/png", "buffer": png(24, 24, (250, 200, 0))}])
    assert "已选择 1 张" in page.locator("#photos-chosen").inner_text()
    page.get_by_role("button", name="提交").click()

    error = page.locator("#content-error")
    error.wait_for()
    assert "至少 10 个字" in error.inner_text()
    assert page.get_by_label("地址").input_value() == "小店区坞城路与长风街路口"  # what was typed is kept
    kept = page.locator(".kept-photo img")
    assert kept.count() == 1 and image_drawn(kept)  # so is the photo
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "submit-form-error.png", full_page=True)

    page.get_by_label("诉求内容").fill(CONTENT)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{base}/h5/submit/done/*")
    number = page.locator("#ticket-number").inner_text()
    assert re.fullmatch(r"[A-Z]{2}\d{14}", number)
    assert "办理时限" in page.content() and no_sideways_scroll(page)
    page.screenshot(path=screenshots / "submit-done.png", full_page=True)

    page.get_by_role("link", name="我的工单").click()
    page.wait_for_url(f"{base}/h5/tickets/")
    mine = page.locator(f'a[href="/h5/tickets/{number}"]')
    assert mine.count() == 1 and "已受理" in mine.inner_text()
    assert page.locator(".ticket-list a").first.get_attribute("href") == f"/h5/tickets/{number}"  # newest first
    page.screenshot(path=screenshots / "my-tickets.png", full_page=True)

    mine.click()
    page.wait_for_url(f"{base}/h5/tickets/{number}")
    assert page.locator("#ticket-content").inner_text() == CONTENT
    photo = page.locator(".ticket-photos img")
    assert photo.count() == 1 and image_drawn(photo)
    assert "已受理" in page.locator("#history").inner_text()
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "my-ticket.png", full_page=True)


def open_form_as_first_demo_citizen(page, base: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/h5/submit/")
    page.get_by_role("button", name="以此身份进入").first.click()
    page.wait_for_url(f"{base}/h5/submit/")


def font_size(locator) -> float:
    return locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


def test_the_form_in_care_mode_is_larger_and_still_fits(page, live_service, screenshots):
    base = live_service.base
    open_form_as_first_demo_citizen(page, base)
    label, note = page.locator("label[for=request_type]"), page.locator(".emergency-note")
    normal = font_size(label), font_size(note)
    page.goto(f"{base}/h5/")
    page.get_by_role("button", name="开启长辈模式（大字）").click()
    page.goto(f"{base}/h5/submit/")
    assert page.locator("body").get_attribute("data-weui-mode") == "care"
    assert font_size(label) > normal[0] and font_size(note) > normal[1]
    assert no_sideways_scroll(page)
    page.screenshot(path=screenshots / "submit-form-care.png", full_page=True)


def test_hints_as_the_citizen_writes(page, live_service, screenshots):
    base = live_service.base
    open_form_as_first_demo_citizen(page, base)
    warning = page.locator("#emergency-warning")
    assert warning.is_hidden()
    page.get_by_label("诉求内容").fill("楼道里着火了，冒浓烟，有人被困在五楼")
    warning.wait_for(state="visible", timeout=10_000)
    assert "119" in warning.inner_text()
    page.screenshot(path=screenshots / "submit-form-emergency.png", full_page=True)
    page.get_by_label("诉求内容").fill("家里暖气片一点都不热，室温只有十二度，老人孩子都冻感冒了")
    suggestion = page.locator('#category-suggest button[data-code="010101"]')
    suggestion.wait_for(timeout=10_000)
    assert warning.is_hidden()
    suggestion.click()
    assert page.get_by_label("分类").input_value() == "010101"
