"""The site-health dashboard and the editor's word warnings in chromium: axe finds no violation in
both languages, with stored link results, an open problem report and a draft's findings shown.
One sign-in for all of it: every browser test signs in from 127.0.0.1, under one login limit."""

import re

from portal.seed import DEMO_PASSWORD
from tests.browser.conftest import run_axe
from tests.support.server import flask

TITLE = {"zh": "网站健康检查", "en": "Site health"}


def test_the_dashboard_in_both_languages_and_the_editors_word_warnings(page, server, server_env):
    flask(server_env, "site", "check", "--internal-only")  # a stored run; no test fetches the internet
    page.goto("/zh/report-a-problem?page=/zh/guides/", wait_until="networkidle")
    page.locator("#what").fill("演示：一个链接打不开")
    with page.expect_navigation():
        page.get_by_role("button", name="提交反馈").click()
    page.wait_for_load_state("networkidle")

    page.goto("/en/staff/login", wait_until="networkidle")
    page.locator("#email").fill("editor@demo.invalid")
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    page.wait_for_load_state("networkidle")
    for lang in ("en", "zh"):
        page.goto(f"/{lang}/staff/content/", wait_until="networkidle")
        with page.expect_navigation():
            page.get_by_role("link", name=TITLE[lang]).click()
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == TITLE[lang]
        assert page.locator("table").count() >= 2
        assert page.get_by_text("演示：一个链接打不开").is_visible()
        assert run_axe(page) == [], lang

    page.goto("/zh/staff/content/guides/trademark-registration/zh/edit", wait_until="networkidle")
    body = page.locator("#body")
    body.fill(body.input_value().replace("## 费用\n", "## 费用\n\n以国家专利局公布为准，赋能企业。\n", 1))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("预览|Preview")).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#words-title").is_visible()
    assert "国家专利局" in page.locator(".term-findings").inner_text()
    assert run_axe(page) == []
