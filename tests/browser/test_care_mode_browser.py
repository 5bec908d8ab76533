"""关怀版 (care mode) and the page furniture of issue 17 in chromium: axe finds no violation on every
page type in both languages, in the standard version and in care mode, at desktop width and at
320 px; the switch works by keyboard without JavaScript and lasts the visit; the menu folds behind
one "Menu" control at large sizes and in care mode; after a failed submit the error summary is
reached first; the footer carries the identifiers and the problem report link."""

import pytest

from tests.browser.conftest import run_axe

PAGE_TYPES = ["/", "/guides/", "/guides/trademark-registration", "/alerts", "/alerts/eu-design-reform-2025",
              "/education/", "/education/who-made-this", "/institutions", "/health-check", "/requests/new?type=general",
              "/requests/track", "/search?q=%E5%95%86%E6%A0%87", "/about", "/privacy", "/accessibility", "/contact",
              "/report-a-problem?page=/zh/", "/indicators", "/service-report"]
SWITCH = {"zh": ("关怀版（大字）", "标准版"), "en": ("Care mode: larger text", "Standard version")}
MENU = {"zh": "菜单", "en": "Menu"}


def switch_on(page, lang):
    page.goto(f"/{lang}/", wait_until="networkidle")  # the icon too: a navigation would cancel it
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name=SWITCH[lang][0]).click()
    assert page.evaluate("document.documentElement.classList.contains('care')")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_type_has_no_violations_in_both_modes(page, lang, care):
    if care:
        switch_on(page, lang)
    for path in PAGE_TYPES:
        response = page.goto(f"/{lang}{path}", wait_until="networkidle")
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.classList.contains('care')") == care, path
        assert run_axe(page) == [], (lang, care, path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_care_mode_at_320_px_and_at_200_percent(browser, server, lang):
    for width in (320, 640):  # 640 CSS px is a 1280 px window at 200 % zoom
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 800})
        page = context.new_page()
        try:
            switch_on(page, lang)
            for path in ("/", "/guides/trademark-registration", "/requests/new?type=general", "/contact",
                         "/education/who-made-this"):
                page.goto(f"/{lang}{path}")
                assert no_sideways_scroll(page), (width, path)
                assert run_axe(page) == [], (width, path)
            menu = page.locator("details.menu-fold summary")
            assert menu.is_visible() and menu.inner_text().strip() == MENU[lang]
            assert not page.locator(".menu-wide").is_visible()
            menu.click()
            assert page.locator("details.menu-fold a").first.is_visible()
        finally:
            context.close()


def test_the_switch_works_by_keyboard_without_javascript_and_lasts_the_visit(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/zh/guides/trademark-registration")
        assert 'class="care"' not in page.content()
        page.get_by_role("button", name=SWITCH["zh"][0]).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/zh/guides/trademark-registration")
        assert 'class="care"' in page.content()
        page.goto("/zh/alerts")
        assert 'class="care"' in page.content()  # for the rest of the visit
        with page.expect_navigation():
            page.get_by_role("button", name=SWITCH["zh"][1]).click()
        assert 'class="care"' not in page.content()
    finally:
        context.close()


def test_care_mode_makes_text_and_targets_larger(page):
    page.goto("/en/", wait_until="networkidle")
    standard = page.evaluate("[parseFloat(getComputedStyle(document.body).fontSize), "
                             "document.querySelector('.care-button').getBoundingClientRect().height]")
    switch_on(page, "en")
    cared = page.evaluate("[parseFloat(getComputedStyle(document.body).fontSize), "
                          "document.querySelector('.care-button').getBoundingClientRect().height]")
    assert cared[0] >= standard[0] * 1.2 and cared[1] > standard[1]
    assert page.locator("details.menu-fold summary").is_visible()  # the menu folds in care mode even when wide
    assert not page.locator(".menu-wide").is_visible()


def test_at_desktop_width_the_menu_is_a_row(page):
    page.goto("/en/", wait_until="networkidle")
    assert page.locator(".menu-wide").is_visible()
    assert not page.locator("details.menu-fold").is_visible()


@pytest.fixture()
def answering_page(browser, server):
    """A page for answers that are meant to be 4xx (a refused form, a missing page): the shared
    `page` fixture fails on any failed resource."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_a_failed_submit_the_error_summary_is_reached_first(answering_page, lang):
    page = answering_page
    page.goto(f"/{lang}/report-a-problem?page=/{lang}/guides/")
    page.get_by_role("button", name={"zh": "提交反馈", "en": "Send the report"}[lang]).click()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focus starts on the summary
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#what"  # its first link next
    first = page.evaluate("document.querySelector('a[href], button, input:not([type=hidden]), textarea')"
                          ".getAttribute('href')")
    assert first == "#error-summary"  # and the first skip link leads to it
    assert run_axe(page) == []


def test_the_footer_names_the_operator_and_links_the_filings_and_the_report_form(page):
    page.goto("/zh/guides/", wait_until="networkidle")
    footer = page.locator("footer")
    assert "测试主办单位（测试数据）" in footer.inner_text()
    assert footer.get_by_role("link", name="测ICP备00000000号（测试数据）").get_attribute("href") == \
        "https://beian.miit.gov.cn/"
    with page.expect_navigation(wait_until="networkidle"):
        footer.get_by_role("link", name="这个页面有问题？告诉我们").click()
    assert page.url.endswith("/zh/report-a-problem?page=/zh/guides/")
    page.get_by_label("这个页面有什么问题？").fill("“商标注册”的费用日期可能过期了")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="提交反馈").click()
    assert "谢谢您" in page.content()
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("link", name="返回原页面").click()
    assert page.url.endswith("/zh/guides/")


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
def test_the_error_page_has_the_footer_and_no_violations(answering_page, care):
    page = answering_page
    if care:
        switch_on(page, "en")
    response = page.goto("/en/no-such-page")
    assert response.status == 404
    assert "Test operator (test data)" in page.locator("footer").inner_text()
    assert run_axe(page) == []
