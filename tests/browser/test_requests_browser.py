"""Assistance requests in a real browser: every type submitted through the check page, one by
keyboard alone, with axe on the form, its error state, the check page, the status page and the
tracking page."""

import re

import pytest

from tests.browser.conftest import run_axe
from tests.conftest import TYPE_FIELDS

COMMON = {"organisation": "衡水示例橡胶有限公司", "contact_name": "张三", "phone": "13803181234",
          "email": "zhang@example.com", "description": "我们的产品在网上被仿冒销售，想了解怎么维权，需要哪些证据。"}


def fill(page, request_type):
    page.locator("#applicant_kind-1" if request_type == "school-visit" else "#applicant_kind-0").check()
    for name, value in COMMON.items():
        page.locator(f"#{name}").fill(value)
    if request_type != "school-visit":
        page.locator("#credit_code").fill("91110000600037341L")
    page.locator("#county").select_option("wuyi")
    if request_type != "school-visit":  # a school is asked no industry
        page.locator("#industry").select_option("rubber")
    for name, value in TYPE_FIELDS[request_type].items():
        if isinstance(value, list):
            for item in value:
                page.locator(f"input[name='{name}'][value='{item}']").check()
        elif page.locator(f"input[name='{name}'][type='radio']").count():
            page.locator(f"input[name='{name}'][value='{value}']").check()
        else:
            page.locator(f"#{name}").fill(value)
    page.locator("#consent").check()


CONTINUE = {"zh": "下一步：核对回答", "en": "Continue: check your answers"}
SEND = {"zh": "提交申请", "en": "Send my request"}


def check_and_send(page, lang):
    """The form's button, then on the check page the consent to the named institution and Send."""
    page.get_by_role("button", name=CONTINUE[lang]).click()
    page.locator("#recipient_consent").wait_for()
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it
    page.locator("#recipient_consent").check()
    page.get_by_role("button", name=SEND[lang]).click()
    page.wait_for_url(re.compile(r".*/requests/status/[\w-]+\?submitted=1"))


@pytest.mark.parametrize("request_type", sorted(TYPE_FIELDS))
def test_every_request_type_can_be_submitted(page, request_type):
    lang = "en" if request_type in ("school-visit", "overseas-risk") else "zh"
    page.goto(f"/{lang}/requests/new?type={request_type}")
    fill(page, request_type)
    check_and_send(page, lang)
    assert re.search(r"HS\d{4}-\d{6}", page.locator(".tracking-number").inner_text())


def tab_to(page, element_id, limit=40):
    """Press Tab until the element has focus, as a keyboard user moves through a form."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} was not reached with Tab")


def choose_by_keyboard(page, element_id, value, limit=30):
    tab_to(page, element_id)
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} was not reached with the arrow keys in #{element_id}")


def test_a_request_by_keyboard_alone_then_tracked(page):
    page.goto("/zh/requests/new?type=general")
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    tab_to(page, "applicant_kind-0")
    page.keyboard.press("Space")
    for element_id, text in (("organisation", COMMON["organisation"]), ("credit_code", "91110000600037341L"),
                             ("contact_name", COMMON["contact_name"]), ("phone", COMMON["phone"]),
                             ("email", COMMON["email"])):
        tab_to(page, element_id)
        page.keyboard.type(text)
    choose_by_keyboard(page, "county", "wuyi")
    choose_by_keyboard(page, "industry", "rubber")
    tab_to(page, "description")
    page.keyboard.type(COMMON["description"])
    tab_to(page, "consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the separate SMS consent, left unticked
    assert page.evaluate("[document.activeElement.id, document.activeElement.checked]") == ["sms_consent", False]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    # The check page, by keyboard too: the consent to the named institution, then Send.
    page.locator("#recipient_consent").wait_for()
    page.wait_for_load_state("networkidle")
    tab_to(page, "recipient_consent", limit=80)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("[document.activeElement.type, document.activeElement.value]") == ["submit", "send"]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/requests/status/[\w-]+\?submitted=1"))
    number = re.search(r"HS\d{4}-\d{6}", page.locator(".tracking-number").inner_text()).group(0)
    assert run_axe(page) == []
    page.goto("/zh/requests/track")
    page.locator("#number").fill(number)
    page.locator("#digits").fill(re.sub(r"\D", "", COMMON["phone"])[-6:])  # the last six digits
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/requests/status/[\w-]+$"))
    assert number in page.locator("h1").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["/requests/new", "/requests/new?type=school-visit",
                                  "/requests/new?type=overseas-risk", "/requests/track"])
def test_request_pages_have_no_accessibility_violations(page, lang, path):
    assert page.goto(f"/{lang}{path}").status == 200
    assert run_axe(page) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_error_state_is_accessible_and_links_to_the_fields(browser, server, lang):
    context = browser.new_context(base_url=server)  # the 400 response is logged by the browser
    page = context.new_page()
    page.goto(f"/{lang}/requests/new?type=rights-protection")
    page.locator("#organisation").fill("示例公司")
    page.locator("#phone").fill("12345")
    page.get_by_role("button").last.click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.locator("a").count() >= 5
    summary.locator("a[href='#phone']").click()
    assert page.evaluate("location.hash") == "#phone"
    assert page.locator("#organisation").input_value() == "示例公司"
    assert run_axe(page) == []
    context.close()
