"""Long guides open with what to do first; the pledge guide answers a borrower before its first
section; every guide's local help links the directory (issue 15, point 5)."""

import pytest

from portal.search import current_search

LONG = 3500  # characters of Chinese text: about five phone screens
OPENINGS = {"zh": ("先做什么", "两分钟看懂"), "en": ("What to do first", "In two minutes")}


def before_first_section(html):
    return html.split("<h2", 1)[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_guides_open_with_what_to_do_first(catalog, lang):
    long_slugs = {page.slug for page in catalog.in_section("guides", "zh") if len(page.text) > LONG}
    assert {"overseas-ip-risk", "rights-protection", "patent-pledge-financing"} <= long_slugs
    for slug in long_slugs:
        opening = before_first_section(catalog.get("guides", slug, lang).html)
        assert any(f"<strong>{marker}</strong>" in opening for marker in OPENINGS[lang]), slug
        assert "<ol>" in opening or "<ul>" in opening, slug


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ("银行", "质押率", "多久拿到钱", "贴息", "风险补偿", "第四百四十四条")),
    ("en", ("bank", "loan-to-value", "Time to money", "Interest subsidies", "risk compensation", "Article 444")),
])
def test_the_pledge_guide_opens_with_the_bank_and_the_time_to_money(client, lang, words):
    html = client.get(f"/{lang}/guides/patent-pledge-financing").get_data(as_text=True)
    first_section = {"zh": 'id="适用对象"', "en": 'id="who-this-is-for"'}[lang]
    opening = html.split('class="toc"', 1)[1].split("</nav>", 1)[1].split(first_section, 1)[0]
    for word in words:
        assert word in opening
    assert f'href="/{lang}/institutions?service=pledge-financing"' in opening
    assert f'href="/{lang}/requests/new?type=pledge-financing"' in opening


def test_a_search_for_interest_subsidies_finds_the_pledge_guide(app):
    with app.app_context():
        assert current_search().search("贴息", "zh").hits[0].url == "/zh/guides/patent-pledge-financing"
        assert current_search().search("interest subsidy", "en").hits[0].url == "/en/guides/patent-pledge-financing"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_guides_local_help_links_the_directory(catalog, lang):
    heading = {"zh": "本地求助", "en": "Local help"}[lang]
    for page in catalog.in_section("guides", lang):
        local_help = page.html.split(f">{heading}</h2>", 1)[1].split("<h2", 1)[0]
        assert f'href="/{lang}/institutions?service={page.request_type}"' in local_help, page.slug
