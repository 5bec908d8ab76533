"""Issue 6's pages in chromium: alerts (list, filters without JavaScript, detail), the institution
directory and the indicators, in both languages with axe-core; and an alert subscription from the
form to the one-click unsubscribe, through a real SMTP server on loopback."""

import re
import urllib.request

import pytest

from tests.browser.conftest import run_axe
from tests.support.server import flask_here

PAGE_TYPES = ["/alerts", "/alerts?industry=rubber&region=eu&region=us", "/alerts?industry=nope",
              "/alerts/section-337-composite-bulk-containers", "/alerts/subscribe",
              "/institutions", "/institutions?county=wuyi&service=rights-protection", "/indicators"]
LINK = re.compile(r"http://127\.0\.0\.1:\d+/(?:zh|en)/alerts/(?:confirm|unsubscribe)/[^\s>]+")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_new_pages_have_no_accessibility_violations(browser, server, lang, path):
    # Own context: a 400 for unknown filter values is logged by the browser as a console error.
    context = browser.new_context(base_url=server)
    page = context.new_page()
    response = page.goto(f"/{lang}{path}")
    assert response.status == (400 if "nope" in path else 200)
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []
    context.close()


def test_alert_filters_work_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/alerts")
    page.get_by_label("United States").check()
    page.get_by_label("US Section 337 investigations").check()
    page.get_by_role("button", name="Show alerts").click()
    assert "region=us" in page.url and "risk=section-337" in page.url
    titles = page.locator(".alert-list h3 a").all_inner_texts()
    assert titles == [  # newest first: the two 2026 investigations, then the 2025 one
        "US Section 337: vehicle parts investigation on a General Motors complaint names a Jiangsu parts maker",
        "US Section 337: power converters for data-centre and AI servers, Chinese electronics makers named "
        "(337-TA-1484)",
        "US Section 337: composite bulk containers case, a Hebei company found in default"]
    page.locator(".alert-list h3 a").first.click()
    assert page.locator("h1").inner_text().startswith("US Section 337")
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert feed == "/en/alerts/feed.atom"
    context.close()


@pytest.mark.parametrize("path", ["/zh/alerts", "/en/alerts/us-schedule-a-seller-lawsuits", "/en/institutions",
                                  "/zh/indicators", "/en/indicators"])
def test_new_pages_fit_a_320px_screen(browser, server, path):
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320 + 1
    if "indicators" in path:
        assert page.locator("svg.indicator-chart").bounding_box()["width"] <= 320
        assert page.locator("table.indicator-table tbody tr").count() == 4
    context.close()


def flask(env, *args, mail_port=None):
    """A `flask` command on the test server's instance (in this process: see flask_here)."""
    extra = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port)} if mail_port else {}
    return flask_here({**env, **extra}, *args)


def test_subscription_round_trip_through_loopback_smtp(page, server, server_env, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    page.goto("/zh/alerts?industry=rubber&region=eu")
    page.get_by_role("link", name="通过电子邮件接收预警").click()
    assert page.get_by_label("橡胶及橡胶制品").is_checked() and page.get_by_label("欧盟").is_checked()
    page.get_by_label("电子邮箱", exact=True).fill("exporter@example.com")
    page.get_by_label("每周一次（有新预警时）").check()
    page.locator("#consent").check()
    page.get_by_role("button", name="订阅").click()
    assert page.locator("h1").inner_text() == "请查收邮件"

    assert "1 sent" in flask(server_env, "outbox", "send", mail_port=controller.port)
    [confirmation] = inbox.messages
    assert confirmation["To"] == "exporter@example.com"
    page.goto(LINK.search(confirmation.get_content()).group(0))
    page.get_by_role("button", name="确认订阅").click()
    assert page.locator("h1").inner_text() == "订阅已确认"

    assert "1 weekly digest(s) queued" in flask(server_env, "alerts", "digest", "--since", "2020-01-01")
    assert "0 weekly digest(s) queued" in flask(server_env, "alerts", "digest", "--since", "2020-01-01")
    assert "1 sent" in flask(server_env, "outbox", "send", mail_port=controller.port)
    digest = inbox.messages[1]
    assert "/zh/alerts/eu-design-reform-2025" in digest.get_content()
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = LINK.search(digest["List-Unsubscribe"]).group(0)

    # What a mail program does for RFC 8058: POST the body below, no cookies, no CSRF token.
    one_click = urllib.request.Request(unsubscribe, data=b"List-Unsubscribe=One-Click", method="POST",
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(one_click, timeout=10) as response:
        assert response.status == 200
    assert "0 weekly digest(s) queued" in flask(server_env, "alerts", "digest", "--since", "2000-01-01")
    page.goto(unsubscribe)  # the link from the e-mail body still answers, with a button, in Chinese
    assert page.locator("h1").inner_text() == "退订预警"
