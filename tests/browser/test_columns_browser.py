"""Issue 14 in chromium: an editor uploads an application form, writes a notice carrying it and an
interpretation of a policy file, a reviewer publishes both, and a visitor finds them from the home
page and by search; the policy filters work without JavaScript; axe finds nothing on the new
pages in both languages."""

import re
from datetime import date

import pytest

from portal.columns.demo import demo_pdf
from tests.browser.conftest import run_axe
from tests.browser.test_publishing_browser import sign_in, worker_pass

CITY_PLAN = "https://www.hengshui.gov.cn/art/2022/11/7/art_10442_449490.html"
COPYRIGHT_LAW = "http://www.npc.gov.cn/npc/c30834/202011/848e73f58d4e4c5b82f69d25d46048c6.shtml"
PAGES = ["/notices", "/notices?kind=nope", "/policies", "/policies?level=hebei&status=expired", "/policies?page=9",
         "/policies/trademark-law-2019", "/policies/hengshui-ip-plan-14th-five-year",
         "/policies/hebei-ip-province-outline-2021-2035", "/interpretations",
         "/interpretations/hengshui-ip-plan-for-enterprises", "/alerts/subscribe?notices=1"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_the_columns_have_no_accessibility_violations(browser, server, lang, path):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    response = page.goto(f"/{lang}{path}")
    assert response.status == (400 if "nope" in path else 404 if "page=9" in path else 200)
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []
    context.close()


def test_policy_filters_work_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/policies")
    page.get_by_label("Hebei Province").check()
    page.get_by_label("Period ended").check()
    page.get_by_role("button", name="Show policy files").click()
    assert "level=hebei" in page.url and "status=expired" in page.url
    titles = page.locator(".policy-list h3 a").all_inner_texts()
    assert titles == ["Hebei 14th Five-Year Plan for IP Protection and Use"]
    context.close()


def test_editor_publishes_a_notice_with_an_attachment_and_an_interpretation_a_visitor_finds_both(
        browser, server, server_env, tmp_path):
    today = date.today().isoformat()
    form_file = tmp_path / "申报表（浏览器测试）.pdf"
    form_file.write_bytes(demo_pdf("Application form (browser test)"))
    editor = browser.new_context(base_url=server).new_page()
    sign_in(editor, "editor@demo.invalid")
    editor.goto("/zh/staff/attachments/")
    assert run_axe(editor) == []
    editor.locator("#file").set_input_files(str(form_file))
    editor.get_by_role("button", name="上传").click()
    editor.wait_for_load_state()
    token = editor.locator("table code").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert run_axe(editor) == []

    def new_page(section, slug):
        editor.goto("/zh/staff/content/")
        editor.locator("#section").select_option(section)
        editor.locator("#slug").fill(slug)
        editor.get_by_role("button", name="新建并编辑中文版").click()
        editor.wait_for_load_state()

    def write(section, slug, lang, values, body):
        editor.goto(f"/zh/staff/content/{section}/{slug}/{lang}/edit")
        for name, value in values.items():
            editor.locator(f"#fm-{name}").fill(value)
        editor.locator("#body").fill(body)
        editor.locator("#change_note").fill("新内容（浏览器测试）。")
        editor.get_by_role("button", name="保存草稿").click()
        editor.wait_for_url(re.compile(rf".*/{section}/{slug}/$"))

    new_page("notices", "browser-test-call")
    for lang, title in (("zh", "专利导航项目申报（浏览器测试 kbnotice）"),
                        ("en", "Patent navigation call (browser test kbnotice)")):
        write("notices", "browser-test-call", lang, {
            "title": title, "summary": title, "notice_kind": "call", "closes": "2099-03-31", "date": today,
            "issuer": "hengshui-market-regulation", "topics": "patent", "attachments": token,
            "updated": today, "reviewed": today,
            "sources": f"通知原文 | {CITY_PLAN} | {today} | primary"},
            "申报材料见附件。\n" if lang == "zh" else "The form is attached.\n")
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()
    new_page("interpretations", "copyright-law-browser-test")
    for lang, title in (("zh", "著作权法解读（浏览器测试 kbinterp）"),
                        ("en", "The Copyright Law explained (browser test kbinterp)")):
        write("interpretations", "copyright-law-browser-test", lang, {
            "title": title, "summary": title, "policy": "copyright-law-2020", "date": today, "topics": "copyright",
            "audience": "enterprise", "updated": today, "reviewed": today,
            "sources": f"著作权法 | {COPYRIGHT_LAW} | {today} | primary"},
            "## 涉及谁\n\n企业。\n" if lang == "zh" else "## Who this concerns\n\nEnterprises.\n")
    editor.get_by_role("button", name="提交审核").click()
    editor.wait_for_load_state()

    reviewer = browser.new_context(base_url=server).new_page()
    sign_in(reviewer, "reviewer@demo.invalid", lang="en")
    for url in ("/en/staff/content/notices/browser-test-call/",
                "/en/staff/content/interpretations/copyright-law-browser-test/"):
        reviewer.goto(url)
        reviewer.get_by_role("button", name="Publish now").click()
        reviewer.wait_for_load_state()
        assert "Published" in reviewer.locator(".summary-list").inner_text()

    visitor = browser.new_context(base_url=server).new_page()
    visitor.goto("/zh/")
    visitor.get_by_role("link", name="专利导航项目申报（浏览器测试 kbnotice）").click()
    visitor.wait_for_url(re.compile(r".*/zh/notices/browser-test-call$"))
    assert "征集至2099年3月31日" in visitor.locator("main").inner_text()
    link = visitor.get_by_role("link", name="申报表（浏览器测试）.pdf")
    assert link.get_attribute("href") == f"/zh/attachments/{token}"
    assert run_axe(visitor) == []
    download = visitor.request.get(f"{server}/zh/attachments/{token}")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    visitor.goto("/en/notices/browser-test-call")
    assert run_axe(visitor) == []
    visitor.goto("/zh/policies/copyright-law-2020")
    visitor.get_by_role("link", name="著作权法解读（浏览器测试 kbinterp）").click()
    assert visitor.locator("h1").inner_text() == "著作权法解读（浏览器测试 kbinterp）"
    assert run_axe(visitor) == []
    worker_pass(server_env)  # the host's search index follows what was published
    visitor.goto("/zh/search?q=kbnotice")
    assert "/zh/notices/browser-test-call" in visitor.content()
    visitor.goto("/en/search?q=kbinterp")
    assert "/en/interpretations/copyright-law-browser-test" in visitor.content()
    assert run_axe(visitor) == []


@pytest.mark.parametrize("path", ["/zh/policies", "/en/policies/trademark-law-2019", "/zh/notices",
                                  "/en/interpretations/patent-law-2020-for-enterprises"])
def test_the_columns_fit_a_320px_screen(browser, server, path):
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320 + 1
    context.close()
