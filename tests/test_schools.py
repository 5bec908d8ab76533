"""Schools (issue 15, point 6): a printed lesson ends cleanly, its cards and worksheets are there
to print, and the hub filters by grade and class time without JavaScript."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from portal.config import ROOT
from portal.education.grades import GRADE_LEVELS, fits


def material_links(html):
    return re.findall(r'<h3><a href="/\w\w/education/([\w-]+)">', html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_printed_visit_box_gives_a_short_address_not_the_encoded_link(client, catalog, lang):
    for material in catalog.in_section("education", lang):
        html = client.get(f"/{lang}/education/{material.slug}").get_data(as_text=True)
        box = html.split('class="get-help visit-request"', 1)[1].split("</section>", 1)[0]
        [printed] = re.findall(r'<p class="print-only">(.*?)</p>', box, re.S)
        [address] = re.findall(r"(https?://\S+?/requests/new\?\S+?)\s", printed)
        assert urlsplit(address).path == f"/{lang}/requests/new"
        assert "type=school-visit" in address and "description" not in address and len(address) < 100
        assert str(escape(material.title)) in printed
    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert ".visit-request .visit-button { display: none" in css
    assert not re.search(r"\.visit-request[^{]*::after", css)  # the button's href is not written out


USES_HANDOUTS = {"genuine-or-fake", "idea-to-patent", "online-pictures-and-music", "patent-search-project",
                 "who-made-this", "workshop-improvements"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_card_and_worksheet_a_lesson_uses_is_in_its_handouts(catalog, lang):
    heading = {"zh": "讲义", "en": "Handouts"}[lang]
    needs = {"zh": re.compile(r"卡|学习单|判断表|记录单"), "en": re.compile(r"\bcards?\b|worksheet|sheet|log\b")}[lang]
    for material in catalog.in_section("education", lang):
        section = {"zh": ">准备材料</h2>", "en": ">Materials needed</h2>"}[lang]
        materials_needed = material.html.split(section, 1)[-1].split("<h2", 1)[0] if section in material.html else ""
        if material.slug in USES_HANDOUTS:
            assert needs.search(materials_needed), material.slug
        if material.slug not in USES_HANDOUTS:
            continue
        assert f'<h2 id="{ {"zh": "讲义", "en": "handouts"}[lang] }">{heading}</h2>' in material.html, material.slug
        handouts = material.html.split(f">{heading}</h2>", 1)[1]
        # every numbered scenario or case of the steps is a card to cut out
        labels = re.findall(r"^\s*- ((?:Scenario|Case) \d+|(?:情景|案例)[一二三四五六七八九十]+)[:：]",
                            Path(ROOT / "content" / material.path).read_text(encoding="utf-8"), re.M)
        for label in labels:
            assert f"<blockquote>\n<p><strong>{label}</strong></p>" in handouts, (material.slug, label)
        assert "<blockquote>" in handouts or "<table" in handouts


def test_handouts_start_on_a_new_sheet_in_print():
    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert ".prose h2#handouts, .prose h2#讲义 { break-before: page; }" in css


def test_grades_map_to_school_levels():
    assert [GRADE_LEVELS[g] for g in (1, 5, 6, 7, 9, 10, 12)] == [
        "primary", "primary", "primary", "junior", "junior", "senior", "senior"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_hub_filters_by_grade_and_class_time(client, catalog, lang):
    html = client.get(f"/{lang}/education/?grade=5&time=40").get_data(as_text=True)
    expected = [m.slug for m in catalog.materials(lang) if "primary" in m.levels and m.duration <= 40]
    assert expected and material_links(html) == expected
    assert '<option value="5" selected>' in html and '<option value="40" selected>' in html
    assert all(fits(catalog.get("education", slug, lang), 5, 40) for slug in material_links(html))
    # a senior teacher with a double lesson sees the 90-minute project, a 20-minute slot does not
    senior = material_links(client.get(f"/{lang}/education/?grade=11&time=90").get_data(as_text=True))
    assert "patent-search-project" in senior
    short = material_links(client.get(f"/{lang}/education/?grade=11&time=20").get_data(as_text=True))
    assert "patent-search-project" not in short
    # the language switch keeps the choices
    other = "en" if lang == "zh" else "zh"
    assert re.search(rf'class="language-switch" href="/{other}/education/\?(grade=5&amp;time=40|time=40&amp;grade=5)"',
                     html)


def test_an_unknown_grade_or_time_is_named_and_left_out(client, catalog):
    html = client.get("/en/education/?grade=13&time=lots").get_data(as_text=True)
    assert "“13”" in html and "“lots”" in html
    assert len(material_links(html)) == len(catalog.materials("en"))
