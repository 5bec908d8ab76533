"""The schools' education hub: the material content kind, the listing filters, material pages."""

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from portal.content.catalog import read_all
from portal.content.check import check_pages
from portal.content.schema import LEVELS, MATERIAL_KINDS
from portal.content.urls import link_resolver
from portal.education.views import parse_filters

LANGS = ("zh", "en")
MATERIAL_LINK = re.compile(r'<h3><a href="/(?:zh|en)/education/([a-z0-9-]+)">')


def listed(html):
    return MATERIAL_LINK.findall(html)


def materials(catalog, lang="zh"):
    return catalog.in_section("education", lang)


# --- The content itself -------------------------------------------------------------------

def test_at_least_ten_materials_cover_every_level_and_kind_in_both_languages(catalog):
    for lang in LANGS:
        found = materials(catalog, lang)
        assert len(found) >= 10
        assert {level for page in found for level in page.levels} == set(LEVELS)
        assert {page.material_kind for page in found} == set(MATERIAL_KINDS)
    assert {p.slug for p in materials(catalog, "zh")} == {p.slug for p in materials(catalog, "en")}


def test_every_material_names_its_sources_checked_on_the_review_date(catalog):
    for page in materials(catalog, "zh") + materials(catalog, "en"):
        assert page.sources, page.path
        assert all(source.checked <= page.reviewed for source in page.sources), page.path
        assert 1 <= page.duration <= 240


def test_material_lists_render_as_lists(catalog):
    # Python-Markdown nests a list only when it is indented by four spaces; with fewer, the
    # items run into the paragraph above as "- …" or "3. …" text, which a teacher cannot use.
    for page in materials(catalog, "zh") + materials(catalog, "en"):
        for paragraph in re.findall(r"<p>(.*?)</p>", page.html, re.S):
            assert not re.search(r"(^|\n)\s*(- |\d+\. )", paragraph), (page.path, paragraph[:80])


# --- The hub and its filters --------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_hub_lists_every_material(client, catalog, lang):
    response = client.get(f"/{lang}/education/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert sorted(listed(html)) == sorted(page.slug for page in materials(catalog, lang))
    assert '<form class="material-filters filters" method="get"' in html


def test_old_link_without_the_slash_redirects_to_the_hub(client):
    response = client.get("/zh/education")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/zh/education/")


@pytest.mark.parametrize(("query", "expected"), [
    ("level=primary", lambda p: "primary" in p.levels),
    ("kind=quiz", lambda p: p.material_kind == "quiz"),
    ("level=university&kind=quiz", lambda p: "university" in p.levels and p.material_kind == "quiz"),
    ("level=junior&level=vocational", lambda p: {"junior", "vocational"} & set(p.levels)),
    ("level=senior&kind=lesson-plan&kind=activity",
     lambda p: "senior" in p.levels and p.material_kind in ("lesson-plan", "activity")),
])
def test_filters_select_the_matching_materials(client, catalog, query, expected):
    for lang in LANGS:
        html = client.get(f"/{lang}/education/?{query}").get_data(as_text=True)
        wanted = sorted(p.slug for p in materials(catalog, lang) if expected(p))
        assert wanted, query  # each case must select something, or it tests nothing
        assert sorted(listed(html)) == wanted
        for value in re.findall(r"=([a-z-]+)", query):
            assert f'value="{value}"' in html and re.search(rf'value="{value}" id="[a-z-]+" checked', html)


def test_a_choice_with_no_material_says_so_and_offers_all(client, catalog):
    # Pick a level and kind pair that no material has, from the real content.
    pairs = {(level, p.material_kind) for p in materials(catalog) for level in p.levels}
    level, kind = next((level, kind) for level in LEVELS for kind in MATERIAL_KINDS if (level, kind) not in pairs)
    html = client.get(f"/en/education/?level={level}&kind={kind}").get_data(as_text=True)
    assert listed(html) == []
    assert "No material matches these choices yet." in html
    assert "0 materials" in html


@pytest.mark.parametrize("query", [
    "level=kindergarten", "kind=<script>alert(1)</script>", "level=" + "x" * 5000,
    "level=primary&kind=poster", "level=&kind=", "level=%ff%fe", "&".join(["level=nope"] * 500),
])
def test_bad_filter_values_get_a_clear_message_never_an_error(client, catalog, query):
    for lang in LANGS:
        response = client.get(f"/{lang}/education/?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        known = [p for p in materials(catalog, lang) if "level=primary" not in query or "primary" in p.levels]
        assert sorted(listed(html)) == sorted(p.slug for p in known)
        if "=&" not in query:
            message = "无法识别筛选条件" if lang == "zh" else "We do not know the filter value"
            assert message in html


def test_parse_filters_keeps_known_values_in_schema_order_and_reports_the_rest():
    args = MultiDict([("kind", "quiz"), ("level", "university"), ("level", "primary"), ("level", "x" * 100),
                      ("kind", "poster"), ("kind", "quiz")])
    levels, kinds, rejected = parse_filters(args)
    assert levels == ("primary", "university")
    assert kinds == ("quiz",)
    assert rejected == ["x" * 40, "poster"]
    assert parse_filters(MultiDict()) == ((), (), [])


def test_language_switch_keeps_the_filters(client):
    html = client.get("/zh/education/?level=primary&kind=quiz&evil=1").get_data(as_text=True)
    assert 'class="language-switch" href="/en/education/?level=primary&amp;kind=quiz"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_hub_links_to_the_school_visit_form_with_the_type_chosen(client, lang):
    html = client.get(f"/{lang}/education/").get_data(as_text=True)
    assert f'href="/{lang}/requests/new?type=school-visit&amp;topic=school"' in html
    form = client.get(f"/{lang}/requests/new?type=school-visit&topic=school").get_data(as_text=True)
    assert re.search(r'value="school"[^>]*checked|checked[^>]*value="school"', form)


# --- Material pages -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_material_page_shows_its_facts_text_sources_and_visit_link(client, catalog, lang):
    for page in materials(catalog, lang):
        response = client.get(f"/{lang}/education/{page.slug}")
        assert response.status_code == 200, page.slug
        html = response.get_data(as_text=True)
        assert f"<h1>{page.title}</h1>" in html.replace("&#34;", '"').replace("&#39;", "'")
        assert 'class="material-facts"' in html and 'id="page-sources"' in html
        assert all(source.url in html for source in page.sources)
        visit = re.search(r'href="(/' + lang + r'/requests/new\?[^"]*)"', html).group(1)
        assert "type=school-visit" in visit and "topic=school" in visit and "description=" in visit


@pytest.mark.parametrize("path", ["/zh/education/no-such-material", "/en/education/education",
                                  "/en/education/trademark-registration", "/zh/education/WHO-MADE-THIS"])
def test_unknown_material_is_404(client, path):
    assert client.get(path).status_code == 404


def test_materials_are_in_the_sitemap_and_in_search(client, app, catalog):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for page in materials(catalog):
        for lang in LANGS:
            assert f"<loc>https://portal.example/{lang}/education/{page.slug}</loc>" in sitemap
    html = client.get("/zh/search?q=实用新型+职务发明&kind=material").get_data(as_text=True)
    assert "/zh/education/workshop-improvements" in html
    english = client.get("/en/search?q=class+logo+trademark").get_data(as_text=True)
    assert "/en/education/class-logo" in english
    assert "Teaching material" in english


# --- The content checker on materials ------------------------------------------------------

MATERIAL_META = {
    "title": "测试资料", "summary": "一句话。", "kind": "material", "levels": "[primary]",
    "material_kind": "lesson-plan", "duration": "40", "subjects": "[art]",
    "updated": "2026-11-01", "reviewed": "2026-11-26",
    "sources": "\n  - title: 著作权法\n    url: http://www.npc.gov.cn/npc/c30834/202011/848e73f58d4e4c5b82f69d25d46048c6.shtml"
               "\n    checked: 2026-11-26",
}
BODY = {"zh": "## 学习目标\n\n内容。\n\n## 答案与讲解\n\n答案。\n",
        "en": "## Objectives\n\nText.\n\n## Answers and explanations\n\nAnswers.\n"}


def material_file(lang, body=None, **changes):
    meta = {**MATERIAL_META, **changes}
    lines = [f"{key}: {value}" for key, value in meta.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n" + (BODY[lang] if body is None else body)


def problems_for(app, make_content, zh=None, en=None):
    folder = make_content({"education/demo.zh.md": zh or material_file("zh"),
                           "education/demo.en.md": en or material_file("en")})
    pages, load_problems = read_all(folder, today=date(2026, 11, 26))
    return check_pages(pages, load_problems, link_resolver(app, pages))


def test_a_valid_material_pair_passes(app, make_content):
    assert problems_for(app, make_content) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"levels": None}, "levels: missing (required for material)"),
    ({"levels": "[kindergarten]"}, "levels: unknown ['kindergarten']"),
    ({"material_kind": None}, "material_kind: missing (required for material)"),
    ({"material_kind": "poster"}, "material_kind: 'poster' is not one of"),
    ({"duration": "0"}, "duration: must be whole minutes from 1 to 240"),
    ({"duration": "forty"}, "duration: must be whole minutes from 1 to 240"),
    ({"duration": "600"}, "duration: must be whole minutes from 1 to 240"),
    ({"subjects": "[cooking]"}, "subjects: unknown ['cooking']"),
    ({"sources": None}, "sources: missing (required for material)"),
    ({"kind": "guide"}, "kind: 'guide' does not belong in this folder (expected 'material')"),
    ({"grade": "5"}, "unknown front-matter keys ['grade']"),
])
def test_checker_rejects_bad_material_front_matter(app, make_content, changes, expected):
    problems = problems_for(app, make_content, zh=material_file("zh", **changes))
    assert any(problem.startswith("education/demo.zh.md: ") and expected in problem for problem in problems), problems


def test_checker_requires_objectives_and_quiz_answers(app, make_content):
    problems = problems_for(app, make_content, zh=material_file("zh", body="## 步骤\n\n内容。\n"),
                            en=material_file("en", material_kind="quiz", body="## Objectives\n\nText.\n"))
    assert "education/demo.zh.md: a lesson-plan needs a '## 学习目标' section" in problems
    assert "education/demo.en.md: a quiz needs a '## Answers and explanations' section" in problems


def test_checker_rejects_languages_that_disagree_on_level_or_duration(app, make_content):
    problems = problems_for(app, make_content, en=material_file("en", levels="[junior]", duration="45"))
    assert any("levels ('junior',) differs" in problem for problem in problems)
    assert any("duration 45 differs" in problem for problem in problems)


def test_checker_rejects_a_link_to_a_missing_material(app, make_content):
    problems = problems_for(app, make_content, zh=material_file("zh", body=BODY["zh"] + "[x](/zh/education/nope)\n"))
    assert "education/demo.zh.md: broken internal link /zh/education/nope" in problems


@pytest.mark.parametrize("lang", LANGS)
def test_a_materials_visit_link_opens_the_school_visit_form_prefilled(client, catalog, lang):
    page = catalog.get("education", "class-logo", lang)
    html = client.get(f"/{lang}/education/class-logo").get_data(as_text=True)
    href = re.search(r'class="button" href="(/' + lang + r'/requests/new\?[^"]*)"', html).group(1)
    form = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    description = re.search(r'<textarea[^>]*name="description"[^>]*>([^<]*)</textarea>', form).group(1)
    assert page.title in description.replace("&#34;", '"').replace("&#39;", "'")
    assert re.search(r'value="school"[^>]*checked|checked[^>]*value="school"', form)
    assert f'action="/{lang}/requests/new?type=school-visit"' in form
