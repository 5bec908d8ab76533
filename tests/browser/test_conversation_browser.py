"""A requester without e-mail, in a real browser: submits with the separate SMS consent, gets the
SMS as a file, answers the institution's question with a document on the status page; staff see
it and record a call. axe on the new parts (status page with its forms, the staff request page
with the call form) in both languages."""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_requests_browser import COMMON, CONTINUE, SEND
from tests.browser.test_staff_browser import sign_in
from tests.staff_helpers import PDF
from tests.support.server import flask


def submit_without_email(page, lang):
    page.goto(f"/{lang}/requests/new?type=general")
    page.locator("#applicant_kind-0").check()
    for name, value in COMMON.items():
        if name != "email":
            page.locator(f"#{name}").fill(value)
    page.locator("#credit_code").fill("91110000600037341L")
    page.locator("#county").select_option("taocheng")
    page.locator("#industry").select_option("food-biotech")
    page.locator("#consent").check()
    page.locator("#sms_consent").check()
    page.get_by_role("button", name=CONTINUE[lang]).click()
    # The check page names the institution routing gives it before anything is saved.
    page.locator("#recipient_consent").wait_for()
    recipient = page.locator("main dl.summary-list dd").first.evaluate("e => e.firstChild.textContent").strip()
    assert recipient and recipient in page.locator("label[for=recipient_consent]").inner_text()
    page.locator("#recipient_consent").check()
    page.get_by_role("button", name=SEND[lang]).click()
    page.wait_for_url(re.compile(r".*/requests/status/[\w-]+\?submitted=1"))
    assert recipient in page.locator("main").inner_text()  # the status page names the same institution
    return re.search(r"HS\d{4}-\d{6}", page.locator(".tracking-number").inner_text()).group(0)


def test_a_requester_without_email_gets_sms_and_answers_with_a_document(browser, server, server_env, tmp_path):
    requester = browser.new_context(base_url=server).new_page()
    number = submit_without_email(requester, "en")
    status_url = requester.url.split("?")[0]
    assert "Stop SMS about this request" in requester.content()
    assert run_axe(requester) == []

    sent = flask(server_env, "outbox", "send").stdout.split("SMS:")[1]
    assert int(sent.split(" sent")[0]) >= 1  # this one, and any an earlier journey of the session queued
    sms_files = sorted(Path(server_env["PORTAL_INSTANCE_DIR"], "sms").glob("*-sms-received.txt"))
    assert any(number in f.read_text(encoding="utf-8") for f in sms_files)

    staff = browser.new_context(base_url=server).new_page()
    sign_in(staff, "staff-taocheng@demo.invalid", lang="en")
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("button", name="Accept").click()
    staff.wait_for_load_state()
    staff.locator("#text-reply").fill("Please send us your business licence.")
    staff.get_by_role("button", name="Reply to the requester").click()
    staff.wait_for_load_state()
    assert run_axe(staff) == []  # the request page with the call and reassign forms

    requester.goto(status_url)
    assert "Please send us your business licence." in requester.locator(".timeline").inner_text()
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(PDF)
    requester.locator("#message").fill("Here is the licence.")
    requester.locator("#attachments").set_input_files(str(licence))
    requester.get_by_role("button", name="Send to the institution").click()
    requester.wait_for_url(re.compile(r".*\?sent=1"))
    assert "Here is the licence." in requester.locator(".timeline").inner_text()
    assert run_axe(requester) == []

    staff.goto("/en/staff/?status=all")
    row = staff.locator("tr", has=staff.get_by_role("link", name=number))
    assert "New message" in row.inner_text()
    row.get_by_role("link", name=number).click()
    assert "Here is the licence." in staff.locator(".timeline").inner_text()
    assert staff.get_by_role("link", name="licence.pdf").count() == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_status_page_forms_are_accessible_with_errors(browser, server, lang):
    page = browser.new_context(base_url=server).new_page()
    submit_without_email(page, lang)
    page.locator("#write + form button[type=submit]").click()  # nothing written: an error
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert run_axe(page) == []
