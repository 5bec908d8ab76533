"""The IP health check in a real browser: a keyboard-only run in each language with axe on the
start page, every step and the result, then a prefilled request submitted from the result."""

import re

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_requests_browser import check_and_send, tab_to
from tests.test_health_check import PAGES

ANSWERS = PAGES  # per page, in order: question id -> the answer (a list for tick boxes)
LABELS = {"zh": {"start": "开始体检", "next": "下一步", "result": "查看结果", "back": "上一步",
                 "first_action": "为你的品牌注册商标", "send": "提交申请"},
          "en": {"start": "Start the health check", "next": "Continue", "result": "See my result", "back": "Back",
                 "first_action": "Register your brand as a trademark", "send": "Send my request"}}


def focused(page, script):
    return page.evaluate(f"document.activeElement.{script}")


def choose_radio_by_keyboard(page, name, value, limit=15):
    tab_to(page, f"{name}-0")  # Tab enters a radio group on its first option; arrows move within it
    for _ in range(limit):
        if focused(page, "value") == value:
            page.keyboard.press("Space")
            assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} was not reached with the arrow keys in {name}")


def tick_by_keyboard(page, name, values, limit=20):
    tab_to(page, f"{name}-0")  # every tick box is its own Tab stop
    for _ in range(limit):
        if focused(page, "name") != name:
            break
        if focused(page, "value") in values:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    for value in values:
        assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()


def press_button_by_keyboard(page, label, limit=40):
    for _ in range(limit):
        if focused(page, "tagName") == "BUTTON" and focused(page, "textContent").strip() == label:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the “{label}” button was not reached with Tab")


def answer_page_by_keyboard(page, answers):
    for name, value in answers.items():
        if isinstance(value, list):
            tick_by_keyboard(page, name, value)
        else:
            choose_radio_by_keyboard(page, name, value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_health_check_by_keyboard_alone_is_accessible_at_every_step(page, lang):
    words = LABELS[lang]
    page.goto(f"/{lang}/health-check")
    assert run_axe(page) == []
    page.keyboard.press("Tab")
    assert focused(page, "className") == "skip-link"
    press_button_by_keyboard(page, words["start"])
    for number, answers in enumerate(ANSWERS):
        page.wait_for_selector(f"input[name='{next(iter(answers))}']")
        assert run_axe(page) == [], f"step {number + 1}"
        answer_page_by_keyboard(page, answers)
        press_button_by_keyboard(page, words["result"] if number == len(ANSWERS) - 1 else words["next"])
    page.wait_for_url(re.compile(r".*/health-check/result\?a=.+"))
    assert run_axe(page) == []
    assert page.locator(".health-check-actions h2").first.inner_text() == words["first_action"]
    assert page.locator(f"a[href='/{lang}/alerts?industry=rubber&region=us&region=eu']").count() == 1


def test_the_back_button_and_the_browsers_back_keep_answers(page):
    page.goto("/en/health-check", wait_until="networkidle")
    page.get_by_role("button", name="Start the health check").click()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    page.locator("#industry-3").check()  # rubber
    page.locator("#own_brand-0").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    page.locator("#trademark-1").check()
    page.get_by_role("button", name="Back").click()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    assert page.locator("h1").inner_text() == "Your business"
    assert page.locator("#industry-3").is_checked() and page.locator("#own_brand-0").is_checked()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    assert page.locator("#trademark-1").is_checked()
    page.go_back(wait_until="networkidle")  # the browser's own back: the earlier page, answers still chosen
    assert page.locator("h1").inner_text() == "Your business"
    assert page.locator("#industry-3").is_checked()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    assert page.locator("h1").inner_text() == "Your brand and products"


def test_a_prefilled_request_sent_from_the_result(page):
    page.goto("/en/health-check")
    page.get_by_role("button", name="Start the health check").click()
    for number, answers in enumerate(ANSWERS):
        for name, value in answers.items():
            for item in value if isinstance(value, list) else [value]:
                page.locator(f"input[name='{name}'][value='{item}']").check()
        page.get_by_role("button", name="See my result" if number == len(ANSWERS) - 1 else "Continue").click()
    page.wait_for_url(re.compile(r".*/health-check/result\?a=.+"))
    result_url = page.url
    page.locator(".health-check-actions .button").first.click()
    page.wait_for_url(re.compile(r".*/requests/new\?type=trademark-gi&.*"))
    description = page.locator("#description").input_value()
    assert description.startswith("Health check: we sell under our own brand")
    assert "Industry: Rubber and rubber products" in description
    assert page.locator("#industry").input_value() == "rubber"
    assert run_axe(page) == []
    page.locator("#applicant_kind-0").check()
    for name, value in (("organisation", "衡水示例橡胶有限公司"), ("credit_code", "91110000600037341L"),
                        ("contact_name", "张三"), ("phone", "13803181234"), ("email", "zhang@example.com")):
        page.locator(f"#{name}").fill(value)
    page.locator("#county").select_option("wuyi")
    page.locator("input[name='subject'][value='trademark']").check()
    page.locator("#consent").check()
    check_and_send(page, "en")
    assert re.search(r"HS\d{4}-\d{6}", page.locator(".tracking-number").inner_text())
    assert "Trademark registration or geographical indication" in page.locator("main").inner_text()
    page.goto(result_url)  # the saved link still shows the result
    assert page.locator(".health-check-actions h2").first.inner_text() == "Register your brand as a trademark"


def test_without_javascript_on_a_small_phone_then_printed(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/zh/")
    page.locator("details.menu-fold summary").click()  # on a small phone the main menu is folded
    page.get_by_role("link", name="知识产权体检", exact=True).click()  # the main menu
    page.wait_for_url("**/zh/health-check")
    page.get_by_role("button", name=LABELS["zh"]["start"]).click()
    for number, answers in enumerate(ANSWERS):
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        for name, value in answers.items():
            for item in value if isinstance(value, list) else [value]:
                page.locator(f"input[name='{name}'][value='{item}']").check()
        page.get_by_role("button", name=LABELS["zh"]["result" if number == len(ANSWERS) - 1 else "next"]).click()
    page.wait_for_url(re.compile(r".*/zh/health-check/result\?a=.+"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible() and not page.locator(".health-check-tools").is_visible()
    assert page.locator(".health-check-actions h2").first.is_visible()
    assert page.locator(".result-link").is_visible()  # the link to keep, on paper too
    context.close()
