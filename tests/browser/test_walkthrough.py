"""A person's walk through the real pages in chromium: every page type in both languages,
accessibility (axe-core, WCAG 2.1 A/AA), keyboard-only navigation, language switch, small
screens, large text and print."""

import pytest

from tests.browser.conftest import run_axe

PAGE_TYPES = ["/", "/guides/", "/guides/?topic=trademark", "/guides/patent-pledge-financing",
              "/guides/overseas-ip-risk", "/education/", "/about", "/privacy", "/accessibility",
              "/requests/new?type=rights-protection", "/search?q=%E5%95%86%E6%A0%87+trademark",
              "/search?q=xyzzyqq", "/search?q=", "/search?q=trademrk"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_has_no_accessibility_violations(page, lang, path):
    response = page.goto(f"/{lang}{path}")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_page_has_no_accessibility_violations(browser, server, lang):
    # Its own context: the browser rightly logs the 404 of the document as a console error.
    context = browser.new_context(base_url=server)
    page = context.new_page()
    response = page.goto(f"/{lang}/no-such-page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == ("找不到该页面" if lang == "zh" else "Page not found")
    assert run_axe(page) == []
    context.close()


def test_reach_a_guide_from_the_home_page_by_keyboard_alone(page):
    page.goto("/zh/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/zh/guides/") and href.count("/") == 3 and "?" not in href:
            break
    else:
        pytest.fail("no guide link reached with Tab")
    # The focused link is visibly marked (WCAG 2.4.7).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert page.locator("h1").inner_text()
    assert page.locator(".get-help a.button").get_attribute("href").startswith("/zh/requests/new?type=")


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("zh", "专利怎么质押贷款", "/zh/guides/patent-pledge-financing"),
    ("en", "someone registered our trademark abroad", "/en/guides/overseas-ip-risk"),
])
def test_search_from_the_header_by_keyboard(page, lang, query, expected):
    page.goto(f"/{lang}/about")
    page.locator("#search-q-header").focus()
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/search?q=*")
    first = page.locator(".result h3 a").first
    assert first.get_attribute("href") == expected
    assert page.locator(".result mark").count() > 0
    assert page.locator("#search-q-main").input_value() == query  # the box keeps what was typed


def test_language_switch_keeps_the_same_page(page):
    page.goto("/zh/guides/trademark-registration")
    zh_title = page.locator("h1").inner_text()
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/guides/trademark-registration")
    assert page.locator("h1").inner_text() != zh_title
    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**/zh/guides/trademark-registration")
    assert page.locator("h1").inner_text() == zh_title


@pytest.mark.parametrize("path", ["/zh/guides/rights-protection", "/en/guides/overseas-ip-risk", "/en/", "/zh/guides/"])
def test_no_sideways_scrolling_at_320_pixels(browser, server, path):
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


@pytest.mark.parametrize("path", ["/zh/guides/patent-pledge-financing", "/en/guides/software-copyright-registration"])
def test_text_at_200_percent_still_fits(page, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path)
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after == pytest.approx(before * 2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.locator("h1").is_visible()


def test_print_shows_the_guide_without_the_site_around_it(page):
    page.goto("/zh/guides/geographical-indications")
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("h1").is_visible()
    assert page.locator("#page-sources").is_visible()


def test_pages_work_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/")
    page.get_by_role("link", name="Guides", exact=True).first.click()
    page.wait_for_url("**/en/guides/")
    page.locator("a", has_text="Trademarks").first.click()
    page.wait_for_url("**/en/guides/?topic=trademark")
    assert page.locator(".card").count() >= 2
    context.close()
