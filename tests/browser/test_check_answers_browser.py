"""Check your answers, then send, in a real browser (issue 16): the check page names the
institution, "Change" goes back to the form with every answer and the document kept (buttons of
one form, no script: the portal's pages load none), the consent's error, then Send. axe with 0
violations on the check page (plain and with its error), the form after Change, and the tracking
page's e-mail answer, in both languages."""

import re

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_requests_browser import CONTINUE, SEND, fill
from tests.staff_helpers import PDF

CHANGE = {"zh": "修改", "en": "Change"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_change_and_send_with_a_document(browser, server, lang, tmp_path):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto(f"/{lang}/requests/new?type=pledge-financing")
    fill(page, "pledge-financing")
    licence = tmp_path / "专利证书.pdf"
    licence.write_bytes(PDF)
    page.locator("#attachments").set_input_files(str(licence))
    page.get_by_role("button", name=CONTINUE[lang]).click()
    page.locator("#recipient_consent").wait_for()
    assert "/status/" not in page.url and "衡水示例橡胶有限公司" in page.locator("table").inner_text()
    assert "专利证书.pdf" in page.locator("table").inner_text()
    recipient = page.locator("main dl.summary-list dd").first.evaluate("e => e.firstChild.textContent").strip()
    assert recipient in page.locator("label[for=recipient_consent]").inner_text()
    assert run_axe(page) == []

    # Change the contact person: the form again, every answer and the document kept.
    row = page.locator("tr", has=page.locator("th", has_text=re.compile("Contact person|联系人")))
    row.get_by_role("button", name=re.compile(CHANGE[lang])).click()
    page.locator("#contact_name").wait_for()
    assert page.url.endswith("#contact_name")
    assert page.locator("#organisation").input_value() == "衡水示例橡胶有限公司"
    assert page.locator("#consent").is_checked() and "专利证书.pdf" in page.locator("#kept-files").inner_text()
    assert run_axe(page) == []
    page.locator("#contact_name").fill("李四")
    page.get_by_role("button", name=CONTINUE[lang]).click()
    page.locator("#recipient_consent").wait_for()
    assert "李四" in page.locator("table").inner_text() and "专利证书.pdf" in page.locator("table").inner_text()

    # Send without the consent: refused, said, nothing saved.
    page.get_by_role("button", name=SEND[lang]).click()
    page.locator("#error-summary").wait_for()
    assert "/status/" not in page.url
    assert run_axe(page) == []
    page.locator("#recipient_consent").check()
    page.get_by_role("button", name=SEND[lang]).click()
    page.wait_for_url(re.compile(r".*/requests/status/[\w-]+\?submitted=1"))
    assert recipient in page.locator("main").inner_text()
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tracking_page_by_email_is_accessible(page, lang):
    page.goto(f"/{lang}/requests/track")
    page.locator("#email-number").fill("HS2026-000001")
    page.locator("#email").fill("nobody@example.com")
    page.locator("#email").press("Enter")
    page.wait_for_url(re.compile(r".*/requests/track\?sent=email$"))
    assert page.locator(".confirmation").count() == 1
    assert run_axe(page) == []
