"""The schools' education hub in chromium: accessibility in both languages, the filters used by
keyboard alone, and a material printed to an A4 PDF without the site's navigation."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tests.browser.conftest import run_axe

MATERIAL = "who-made-this"
# Text that only the site around a page carries: header, menu, search, footer, skip link.
SITE_TEXTS = {
    "zh": ["衡水知识产权公共服务门户", "知识产权公共服务", "跳到正文", "申请帮助", "隐私政策", "关于本门户",
           "网站地图", "搜索指南和页面", "English"],
    "en": ["Hengshui IP Service Portal", "Intellectual property public services", "Skip to main content",
           "Ask for help", "Privacy notice", "About this portal", "Site map", "Search guides and pages", "中文"],
}
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


def has_chinese_font():
    """Chromium can only put Chinese glyphs (and so extractable Chinese text) in a PDF when the
    system has a font for them; Debian's fonts-noto-cjk or fonts-wqy-microhei provide one."""
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def squeeze(text):
    """Text without whitespace: a PDF breaks lines wherever the page does."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["/education/", "/education/?level=senior&kind=activity",
                                  "/education/?level=nope", f"/education/{MATERIAL}",
                                  "/education/ip-basics-quiz"])
def test_education_pages_have_no_accessibility_violations(page, lang, path):
    response = page.goto(f"/{lang}{path}")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert run_axe(page) == []


def tab_to(page, selector, limit=80):
    """Press Tab until the element matching selector has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached with Tab")


def test_filter_the_hub_by_keyboard_alone(page):
    page.goto("/en/education/")
    all_cards = page.locator(".cards .card").count()
    tab_to(page, "#level-university")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Space")
    tab_to(page, "#kind-quiz")
    page.keyboard.press("Space")
    tab_to(page, ".material-filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/education/?level=university&kind=quiz*")
    assert page.locator("#level-university").is_checked() and page.locator("#kind-quiz").is_checked()
    titles = page.locator(".cards .card h3 a").all_inner_texts()
    assert titles == ["Campus IP quiz (university)"]
    assert len(titles) < all_cards
    # Clearing the filters is a plain link, reached the same way.
    tab_to(page, ".filter-actions a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/education/#materials")
    assert page.locator(".cards .card").count() == all_cards


def test_the_hub_finds_lessons_by_grade_and_class_time_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/zh/education/")
    page.get_by_label("年级").select_option("5")
    page.get_by_label("课堂时间").select_option("40")
    page.get_by_role("button", name="显示资料").click()
    assert "grade=5" in page.url and "time=40" in page.url
    facts = page.locator(".cards .card .material-facts").all_inner_texts()
    assert facts and all("小学" in fact for fact in facts)
    assert page.locator("#filter-grade").input_value() == "5"
    context.close()


def test_a_material_opens_from_the_hub_and_offers_the_visit_form(page):
    page.goto("/zh/education/?kind=activity")
    page.locator(".cards .card h3 a", has_text="给我们班设计一个标志").click()
    page.wait_for_url("**/zh/education/class-logo")
    visit = page.locator(".visit-request a.button")
    visit.click()
    page.wait_for_url("**/zh/requests/new?*type=school-visit*")
    assert page.locator("input[name=applicant_kind][value=school]").is_checked()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_material_prints_on_a4_without_the_site_navigation(page, lang):
    if lang == "zh" and not has_chinese_font():
        pytest.skip("no Chinese font installed (fc-list :lang=zh is empty): chromium prints no Chinese "
                    "text to extract; install fonts-noto-cjk or fonts-wqy-microhei to run this case")
    page.goto(f"/{lang}/education/{MATERIAL}")
    title = page.locator("h1").inner_text()
    pdf = page.pdf(format="A4", print_background=False)
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].mediabox
    assert (float(first.width), float(first.height)) == pytest.approx(A4_POINTS, abs=1)
    text = squeeze("\n".join(p.extract_text() for p in reader.pages))
    assert squeeze(title) in text
    assert squeeze(page.locator("h2").first.inner_text()) in text  # the material's body is there
    for site_text in SITE_TEXTS[lang]:
        assert squeeze(site_text) not in text, site_text
    # Paper cannot be clicked: the expert-visit form's short address is written out, not the
    # button's link with its encoded description (which printed as a one-character column).
    assert f"/{lang}/requests/new?" in text and "type=school-visit" in text
    assert "description=" not in text and "%E" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_media_hides_the_site_around_a_material(page, lang):
    # Independent of fonts: what the print stylesheet shows and hides.
    page.goto(f"/{lang}/education/{MATERIAL}")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".main-nav", ".header-search", ".language-switch", ".site-footer",
                   ".breadcrumbs", ".print-hint", ".back-link"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("h1", ".material-facts", ".prose", "#page-sources", ".visit-request"):
        assert page.locator(shown).is_visible(), shown
