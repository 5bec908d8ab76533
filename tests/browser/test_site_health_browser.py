"""The site-health dashboard and the editor's word warnings in chromium: axe finds no violation in
both languages, with stored link results, open problem reports and a draft's findings shown."""

import re

import pytest

from portal.seed import DEMO_PASSWORD
from tests.browser.conftest import run_axe
from tests.support.server import flask


def sign_in(page, email, lang):
    page.goto(f"/{lang}/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="module")
def checked(server, server_env):
    """One stored run (internal links only: no test fetches the internet) and one open report."""
    flask(server_env, "site", "check", "--internal-only")
    return server


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dashboard_in_both_languages(page, checked, lang):
    page.goto(f"/{lang}/report-a-problem?page=/{lang}/guides/")
    page.locator("#what").fill("演示：一个链接打不开" if lang == "zh" else "Demo: a link does not open")
    with page.expect_navigation():
        page.get_by_role("button", name={"zh": "提交反馈", "en": "Send the report"}[lang]).click()
    sign_in(page, "editor@demo.invalid", lang)
    page.get_by_role("link", name={"zh": "网站健康检查", "en": "Site health"}[lang]).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == {"zh": "网站健康检查", "en": "Site health"}[lang]
    assert page.locator("#links + p").count() == 1 and page.locator("table").count() >= 2
    assert page.get_by_text(f"/{lang}/guides/").first.is_visible()
    assert run_axe(page) == []


def test_the_editor_warns_of_words_on_a_draft(page, checked):
    sign_in(page, "editor@demo.invalid", "zh")
    page.goto("/zh/staff/content/guides/trademark-registration/zh/edit")
    body = page.locator("#body")
    body.fill(body.input_value().replace("## 费用\n", "## 费用\n\n以国家专利局公布为准，赋能企业。\n", 1))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("预览|Preview")).click()
    words = page.locator("#words-title")
    assert words.is_visible() and "国家专利局" in page.locator(".term-findings").inner_text()
    assert run_axe(page) == []
