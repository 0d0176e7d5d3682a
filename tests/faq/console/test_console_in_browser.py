"""The editors' main path in headless Chromium against what `make run` serves: write an entry,
preview it, publish it, try a citizen's question, edit and publish again, roll back."""
import re

QUESTION = "供暖期间室内温度检测如何预约"
SIMILAR = "暖气温度不够能找人上门测吗\n想请人来家里量一下室温\n室温测量怎么约"


def sign_in_as_editor(page, base):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/login")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("editor-demo-2026")
    press(page, "登录")
    page.get_by_role("link", name="知识库").first.click()
    page.wait_for_url(f"{base}/staff/faq/")


def press(page, button: str) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_an_editor_writes_previews_publishes_tries_and_rolls_back(page, live_service, screenshots):
    base = live_service.base
    sign_in_as_editor(page, base)
    assert page.locator("table tbody tr").count() >= 20  # the demo knowledge base is listed
    page.get_by_role("link", name="新建条目").click()

    # A first save with a missing question: the error sits beside the field, the rest is kept.
    page.get_by_label("相似问法").fill(SIMILAR)
    page.get_by_label("简短答复").fill("可拨打供热企业服务热线预约上门测温，测温不收费。")
    page.get_by_label("详细答复").fill("## 预约测温\n\n1. 拨打供热企业热线\n2. 约定时间\n\n<script>alert(1)</script>")
    page.get_by_label("分类").select_option("010101")
    press(page, "保存为草稿")
    assert page.locator("#error-question").is_visible()
    assert page.get_by_label("相似问法").input_value() == SIMILAR

    page.get_by_label("标准问").fill(QUESTION)
    press(page, "预览")
    preview = page.locator("#preview")
    assert preview.locator("h2", has_text="预约测温").count() == 1  # Markdown rendered
    assert "<script>alert(1)</script>" in preview.inner_text()  # raw HTML shown as text, not run
    assert page.locator("#error-answer_long").is_visible()  # …and refused for publishing
    page.screenshot(path=screenshots / "console-entry-preview.png", full_page=True)

    page.get_by_label("详细答复").fill("## 预约测温\n\n1. 拨打供热企业热线\n2. 约定时间")
    press(page, "保存并发布")
    page.wait_for_url(re.compile(r".*/staff/faq/\d+$"))
    entry_url = page.url
    assert page.locator(".badge", has_text="已发布").count() >= 1

    # 试问: a colloquial question finds the new entry in the draft index.
    page.get_by_role("link", name="试问").click()
    page.get_by_label("市民的问题").fill("暖气不够热能不能请人上门量室温")
    press(page, "试问")
    candidates = page.locator("table.trial-candidates")
    candidates.wait_for()
    assert QUESTION in candidates.inner_text()
    assert candidates.locator("mark").count() >= 1  # the words it shares with the matched variant
    page.screenshot(path=screenshots / "console-trial.png", full_page=True)

    # Edit and publish a second version, then roll back to the first.
    page.goto(entry_url)
    page.get_by_label("简短答复").fill("请拨打供热企业服务热线预约上门测温（免费）。")
    press(page, "保存并发布")
    assert page.url == entry_url and "第 2 版" in page.locator("main").inner_text()
    page.get_by_role("link", name="历史版本与回滚").click()
    page.locator("#v2").wait_for()
    assert page.locator("#v1").count() == 1
    assert page.locator("#v2 ins").count() >= 1  # the new short answer, marked as added
    page.screenshot(path=screenshots / "console-history.png", full_page=True)
    page.locator("#v1").get_by_role("link", name="回滚到此版").click()
    press(page, "确认回滚")
    page.goto(entry_url + "/history")
    assert "回滚到第 1 版" in page.locator("#v3").inner_text()
    page.goto(entry_url)
    assert page.get_by_label("简短答复").input_value() == "可拨打供热企业服务热线预约上门测温，测温不收费。"
