"""The staff workspace in a real browser: an enterprise's request accepted and answered by the
institution's staff, the answer on the requester's tracking page; axe on every staff page type."""

import re
from pathlib import Path

import pytest

from portal.seed import DEMO_PASSWORD
from tests.browser.conftest import run_axe
from tests.browser.test_requests_browser import COMMON, check_and_send


def sign_in(page, email, lang="zh"):
    page.goto(f"/{lang}/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r".*/(staff|admin)/$"))
    page.wait_for_load_state("networkidle")  # the icon too: leaving earlier would abort it


def test_a_request_is_accepted_and_answered_and_the_answer_is_on_the_tracking_page(browser, server):
    requester = browser.new_context(base_url=server).new_page()
    requester.goto("/en/requests/new?type=general")
    requester.locator("#applicant_kind-0").check()
    for name, value in COMMON.items():
        requester.locator(f"#{name}").fill(value)
    requester.locator("#credit_code").fill("91110000600037341L")
    requester.locator("#county").select_option("taocheng")
    requester.locator("#industry").select_option("food-biotech")
    requester.locator("#consent").check()
    check_and_send(requester, "en")
    number = re.search(r"HS\d{4}-\d{6}", requester.locator(".tracking-number").inner_text()).group(0)
    status_url = requester.url.split("?")[0]

    staff = browser.new_context(base_url=server).new_page()
    sign_in(staff, "staff-taocheng@demo.invalid")
    assert run_axe(staff) == []
    staff.get_by_role("link", name=number).click()
    assert number in staff.locator("h1").inner_text()
    assert run_axe(staff) == []
    staff.get_by_role("button", name="受理").click()
    staff.wait_for_load_state()
    assert "已完成：受理" in staff.locator(".notice").first.inner_text()
    assert "受理" in staff.locator(".summary-list").first.inner_text()
    answer = "您好，商标被仿冒可先固定证据（网页截图、购买凭证），我们周四上午可以面谈。"
    staff.locator("#text-reply").fill(answer)
    staff.get_by_role("button", name="回复请求人").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="标记为已答复").click()
    staff.wait_for_load_state()
    assert "已答复" in staff.locator(".summary-list").first.inner_text()
    assert run_axe(staff) == []

    requester.goto(status_url)
    timeline = requester.locator(".timeline").inner_text()
    assert answer in timeline and "The institution answered it." in timeline
    assert run_axe(requester) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_sign_in_is_explained_accessibly(browser, server, lang):
    # Its own context: the refused sign-in answers 401, which chromium logs as a console error.
    page = browser.new_context(base_url=server).new_page()
    page.goto(f"/{lang}/staff/login")
    assert run_axe(page) == []
    page.locator("#email").fill("nobody@demo.invalid")
    page.locator("#password").fill("wrong-password-1")
    page.locator("#password").press("Enter")
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible() and run_axe(page) == []
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_and_admin_pages_are_accessible(page, lang):
    sign_in(page, "coordinator@demo.invalid", lang)
    for path in ("/staff/", "/staff/?overdue=y", "/staff/account"):
        page.goto(f"/{lang}{path}", wait_until="networkidle")
        assert run_axe(page) == [], path
    page.goto(f"/{lang}/staff/account")
    page.get_by_role("button", name="退出登录" if lang == "zh" else "Sign out").click()
    page.wait_for_url(re.compile(r".*/staff/login$"))
    page.wait_for_load_state("networkidle")
    sign_in(page, "admin@demo.invalid", lang)
    for path in ("/admin/", "/admin/institutions", "/admin/institutions/1", "/admin/users", "/admin/users/new",
                 "/admin/rules", "/admin/rules/new", "/admin/requesters", "/service-report",
                 "/admin/rules/try?request_type=general&county=anping&industry=other"):
        page.goto(f"/{lang}{path}", wait_until="networkidle")
        assert run_axe(page) == [], path


def test_second_factor_pages_are_accessible_and_work_without_javascript(browser, server):
    """Enrolment (QR code as SVG, the key as text), the recovery codes, the code step and the
    confirmation page, in both languages, checked by axe."""
    import pyotp  # noqa: PLC0415

    page = browser.new_context(base_url=server).new_page()
    sign_in(page, "staff-center@demo.invalid", "en")
    page.goto("/en/staff/second-factor", wait_until="networkidle")
    assert run_axe(page) == []
    secret = page.locator("code.secret-key").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("#code").press("Enter")
    page.wait_for_load_state("networkidle")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and run_axe(page) == []
    for lang in ("zh", "en"):
        page.goto(f"/{lang}/staff/confirm", wait_until="networkidle")
        assert run_axe(page) == []
    page.goto("/en/staff/account")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/staff/login$"))
    for lang, code in (("zh", codes[0]), ("en", codes[1])):
        page.goto(f"/{lang}/staff/login")
        page.locator("#email").fill("staff-center@demo.invalid")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url(re.compile(r".*/staff/login/code$"))
        page.wait_for_load_state("networkidle")
        assert run_axe(page) == []
        page.locator("#code").fill(code)
        page.locator("#code").press("Enter")
        page.wait_for_url(re.compile(r".*/staff/$"))
        page.goto(f"/{lang}/staff/account")
        page.get_by_role("button", name="退出登录" if lang == "zh" else "Sign out").click()
        page.wait_for_url(re.compile(r".*/staff/login$"))
    page.context.close()


def age_the_confirmation(context, server_env):
    """As a page left open for more than five minutes: the session's last confirmation is older
    (the cookie re-signed with the test server's own key from its instance folder)."""
    from flask import Flask  # noqa: PLC0415

    signer = Flask(__name__)
    signer.secret_key = (Path(server_env["PORTAL_INSTANCE_DIR"]) / "secret_key").read_text().strip()
    serializer = signer.session_interface.get_signing_serializer(signer)
    cookie = next(c for c in context.cookies() if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data["confirmed_at"] -= 10 * 60
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_confirmation_asked_on_the_form_is_accessible_and_keeps_the_edit(browser, server, server_env, lang):
    # Its own context: the form coming back answers 400, which chromium logs as a console error.
    context = browser.new_context(base_url=server)
    page = context.new_page()
    sign_in(page, "admin@demo.invalid", lang)
    page.goto(f"/{lang}/admin/users")
    page.locator("tr", has_text="staff-taocheng@demo.invalid").locator("a").first.click()
    page.wait_for_load_state("networkidle")
    age_the_confirmation(context, server_env)
    original = page.locator("#name").input_value()
    page.locator("#name").fill("Renamed in the browser")
    page.locator("#role").select_option("coordinator")
    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#confirm_password").is_visible()
    assert page.locator("#name").input_value() == "Renamed in the browser"
    assert page.locator("#role").input_value() == "coordinator"
    assert run_axe(page) == []
    page.locator("#confirm_password").fill(DEMO_PASSWORD)
    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/users$"))
    assert "Renamed in the browser" in page.content()
    # put it back (confirmed now, so no password is asked)
    page.locator("tr", has_text="staff-taocheng@demo.invalid").locator("a").first.click()
    page.locator("#name").fill(original)
    page.locator("#role").select_option("staff")
    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/users$"))
    # the requester lookup: the same fields on its form, the address kept
    page.goto(f"/{lang}/admin/requesters", wait_until="networkidle")
    age_the_confirmation(context, server_env)
    page.locator("#email").fill("nobody-asked@example.com")
    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#confirm_password").is_visible()
    assert page.locator("#email").input_value() == "nobody-asked@example.com"
    assert run_axe(page) == []
    context.close()
