"""Publishing in a real browser: an editor changes a guide's fee and adds a new alert, a reviewer
compares and publishes both, and they show on the public pages, in search and in the Atom feed;
the editor pages by keyboard alone, and axe on each of them in both languages."""

import re
import subprocess
import sys
from datetime import date

from portal.config import ROOT
from portal.seed import DEMO_PASSWORD
from tests.browser.conftest import run_axe

FEE = "演示：每个类别官费 270 元（浏览器测试 kbfee）。"


def sign_in(page, email, lang="zh"):
    page.goto(f"/{lang}/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r".*/staff/content/$"))
    page.wait_for_load_state("networkidle")


def worker_pass(server_env):
    """One pass of the host's worker loop: the search index follows what was published."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--passes", "1"], cwd=ROOT,
                   env=server_env, check=True, capture_output=True)


def test_editor_and_reviewer_publish_a_fee_change_and_a_new_alert(browser, server, server_env):
    editor = browser.new_context(base_url=server).new_page()
    sign_in(editor, "editor@demo.invalid")
    assert run_axe(editor) == []
    editor.goto("/zh/staff/content/guides/trademark-registration/zh/edit")
    body = editor.locator("#body")
    body.fill(body.input_value().replace("## 费用\n", f"## 费用\n\n{FEE}\n", 1))
    editor.locator("#change_note").fill("更新商标注册官费（演示）。")
    editor.get_by_role("button", name="预览").click()
    editor.wait_for_load_state()
    assert FEE in editor.locator(".preview").inner_text()
    assert run_axe(editor) == []
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url(re.compile(r".*/guides/trademark-registration/$"))
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()

    editor.goto("/zh/staff/content/")
    editor.locator("#section").select_option("alerts")
    editor.locator("#slug").fill("demo-browser-alert")
    editor.get_by_role("button", name="新建并编辑中文版").click()
    today = date.today().isoformat()
    for lang, title, sections in (("zh", "演示预警：浏览器测试（演示）", ("事件概要", "影响对象", "应对建议")),
                                  ("en", "Demo alert: browser test (demo)", ("What happened", "Who is affected",
                                                                            "What to do"))):
        editor.goto(f"/zh/staff/content/alerts/demo-browser-alert/{lang}/edit")
        values = {"title": title, "summary": title, "topics": "overseas-risk", "audience": "enterprise",
                  "updated": today, "reviewed": today, "date": today, "regions": "us", "industries": "rubber",
                  "risk": "rule-change", "severity": "low",
                  # An alert's sources have roles, and a primary one states the event's date.
                  "sources": f"USPTO trademark basics | https://www.uspto.gov/trademarks/basics | {today} | primary"
                             f" | {today}"}
        for name, value in values.items():
            editor.locator(f"#fm-{name}").fill(value)
        editor.locator("#body").fill("".join(f"## {heading}\n\n演示 kbalert。\n\n" for heading in sections))
        editor.locator("#change_note").fill("新预警（演示）。")
        editor.get_by_role("button", name="保存草稿").click()
        editor.wait_for_url(re.compile(r".*/alerts/demo-browser-alert/$"))
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()

    reviewer = browser.new_context(base_url=server).new_page()
    sign_in(reviewer, "reviewer@demo.invalid", lang="en")
    reviewer.goto("/en/staff/content/guides/trademark-registration/")
    changes = reviewer.locator("pre.diff").first
    assert "270" in changes.locator("ins").all_inner_texts()[0] or "270" in changes.inner_text()
    assert "[added]" in changes.inner_text()
    assert run_axe(reviewer) == []
    reviewer.get_by_role("button", name="Publish now").click()
    reviewer.wait_for_load_state()
    reviewer.goto("/en/staff/content/alerts/demo-browser-alert/")
    reviewer.get_by_role("button", name="Publish now").click()
    reviewer.wait_for_load_state()
    assert "Published" in reviewer.locator(".summary-list").inner_text()

    public = browser.new_context(base_url=server).new_page()
    public.goto("/zh/guides/trademark-registration")
    assert FEE in public.locator("main").inner_text()
    assert "更新商标注册官费（演示）。" in public.locator(".page-updates").inner_text()
    assert run_axe(public) == []
    public.goto("/zh/alerts")
    assert "演示预警：浏览器测试（演示）" in public.locator("main").inner_text()
    feed = public.request.get(f"{server}/zh/alerts/feed.atom").text()
    assert "demo-browser-alert" in feed
    worker_pass(server_env)
    public.goto("/zh/search?q=kbfee")
    assert "/zh/guides/trademark-registration" in public.content()
    public.goto("/zh/search?q=kbalert")
    assert "/zh/alerts/demo-browser-alert" in public.content()


def test_editor_pages_by_keyboard_alone_and_axe_in_both_languages(browser, server):
    page = browser.new_context(base_url=server).new_page()
    sign_in(page, "editor@demo.invalid")
    for lang in ("zh", "en"):
        page.goto(f"/{lang}/staff/content/")
        assert run_axe(page) == []
        # Tab to the first guide's link and open it with Enter.
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.getAttribute('href') || ''")
            if "/staff/content/guides/" in focused:
                break
        else:
            raise AssertionError("no guide link reached by Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/staff/content/guides/[a-z-]+/$"))
        assert run_axe(page) == []
        # On to the edit form by keyboard, then preview with Enter on the focused button.
        for _ in range(80):
            page.keyboard.press("Tab")
            if "/edit" in page.evaluate("document.activeElement.getAttribute('href') || ''"):
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/edit$"))
        assert run_axe(page) == []
        page.locator("#change_note").focus()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.value") == "preview":
                break
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#preview-title").count() == 1
        assert run_axe(page) == []
        history = page.url.rsplit("/", 2)[0] + "/"  # …/guides/<slug>/zh/edit → …/guides/<slug>/
        page.goto(history)
        compare = page.locator("a[href*='/compare?']").first
        if compare.count():
            compare.focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "/compare?" in page.url
            assert run_axe(page) == []
        # Any two revisions: the history's compare form, by keyboard, without JavaScript of its own.
        page.goto(history)
        page.locator("#compare-a").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "compare-b"
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/compare?" in page.url and page.locator(".compare-form").count() == 1
        assert run_axe(page) == []
