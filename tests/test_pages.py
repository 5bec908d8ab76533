"""Every page in both languages, through the Flask test client."""

import re
import xml.etree.ElementTree as ET

import pytest

from portal.vocab import REQUEST_TYPES

FIXED_PATHS = ["/", "/guides/", "/education/", "/about", "/privacy", "/accessibility", "/requests/new"]


def all_paths(catalog):
    guides = [f"/guides/{page.slug}" for page in catalog.in_section("guides", "zh")]
    materials = [f"/education/{page.slug}" for page in catalog.in_section("education", "zh")]
    return FIXED_PATHS + guides + materials


def test_there_are_the_seven_required_guides(catalog):
    slugs = {page.slug for page in catalog.in_section("guides", "zh")}
    assert {"patent-pledge-financing", "trademark-registration", "geographical-indications",
            "copyright-registration", "software-copyright-registration", "overseas-ip-risk",
            "rights-protection"} <= slugs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages(client, catalog, lang):
    html_lang = {"zh": "zh-Hans", "en": "en"}[lang]
    other = {"zh": "en", "en": "zh"}[lang]
    for path in all_paths(catalog):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'<html lang="{html_lang}">' in html, path
        # Alternates for both languages and x-default, as absolute URLs from SITE_URL.
        assert f'hreflang="zh-Hans" href="https://portal.example/zh{path}"' in html, path
        assert f'hreflang="en" href="https://portal.example/en{path}"' in html, path
        assert 'hreflang="x-default"' in html
        # The language switch keeps the reader on the same page.
        assert re.search(rf'class="language-switch" href="/{other}{re.escape(path)}"', html), path
        assert 'href="#main"' in html and 'id="main"' in html
        assert "<h1" in html


def test_guide_page_has_everything_a_reader_acts_on(client, catalog):
    page = catalog.get("guides", "patent-pledge-financing", "zh")
    html = client.get("/zh/guides/patent-pledge-financing").get_data(as_text=True)
    assert page.title in html
    assert 'href="/zh/requests/new?type=pledge-financing"' in html
    assert "本页目录" in html and 'href="#办理步骤"' in html  # table of contents with Chinese anchors
    assert 'id="page-sources"' in html
    for source in page.sources:
        assert source.url in html
    assert "核对于 2026年12月1日" in html  # Babel's Chinese long date


def test_english_dates_are_formatted_by_babel(client):
    html = client.get("/en/guides/patent-pledge-financing").get_data(as_text=True)
    assert "December 1, 2026" in html


def test_every_guide_links_to_a_known_request_type(catalog):
    for page in catalog.in_section("guides", "zh"):
        assert page.request_type in REQUEST_TYPES


@pytest.mark.parametrize(("accept", "target"), [
    (None, "/zh/"), ("en-US,en;q=0.9", "/en/"), ("zh-CN,zh;q=0.9,en;q=0.5", "/zh/"),
    ("fr-FR", "/zh/"), ("en;q=0.2, zh;q=0.9", "/zh/"), ("garbage;;q=x", "/zh/"),
])
def test_root_redirects_by_accept_language(client, accept, target):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("path", ["/fr/", "/ZH/", "/xx/guides/", "/zh/guides/nope", "/zh/nope", "/nope",
                                  "/en/guides/x%00"])
def test_unknown_paths_are_404_in_a_language(client, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html or "找不到该页面" in html
    assert "Traceback" not in html


def test_404_under_a_language_prefix_speaks_that_language(client):
    assert "找不到该页面" in client.get("/zh/guides/nope", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in client.get("/en/guides/nope").get_data(as_text=True)


def test_post_to_a_page_is_405_with_allow_header(client):
    response = client.post("/zh/guides/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "不允许此操作" in response.get_data(as_text=True)


def test_guides_hub_filters_and_ignores_unknown_values(client, catalog):
    patent = client.get("/zh/guides/?topic=patent").get_data(as_text=True)
    for page in catalog.guides("zh"):
        assert (f'/zh/guides/{page.slug}"' in patent) == ("patent" in page.topics)
    everything = client.get("/zh/guides/?topic=%3Cscript%3E&audience=x").get_data(as_text=True)
    assert "<script>" not in everything
    assert everything.count('class="card"') == len(catalog.guides("zh"))
    # The language switch keeps a meaningful filter and drops anything else.
    assert 'class="language-switch" href="/en/guides/?topic=patent"' in patent


def test_request_page_lists_every_type_as_a_link(client):
    html = client.get("/en/requests/new").get_data(as_text=True)
    for key in REQUEST_TYPES:
        assert f'href="/en/requests/new?type={key}"' in html
    assert 'href="/en/guides/patent-pledge-financing"' in html
    assert 'href="/en/requests/track"' in html


def test_healthz_names_the_content_build(client, catalog):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "content_build": catalog.build_id, "pages": len(catalog)}


def test_sitemap_lists_every_page_in_both_languages_with_alternates(client, catalog):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    for path in all_paths(catalog):
        for lang in ("zh", "en"):
            url = locs[f"https://portal.example/{lang}{path}"]
            alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
            assert alternates == {"zh-Hans": f"https://portal.example/zh{path}",
                                  "en": f"https://portal.example/en{path}"}


def test_robots_points_to_the_sitemap(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://portal.example/sitemap.xml" in body
    assert "Disallow: /staff/" in body


def test_static_files_are_fingerprinted_and_cached(client, app):
    html = client.get("/zh/").get_data(as_text=True)
    href = re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]{10})"', html).group(1)
    with client.get(href) as long_lived:
        assert long_lived.status_code == 200
        assert long_lived.cache_control.max_age == 365 * 24 * 3600
    for unversioned in ("/static/css/portal.css", "/static/css/portal.css?v=0000000000"):
        with client.get(unversioned) as response:
            assert response.cache_control.max_age == 300


def test_content_pages_answer_conditional_requests(client):
    first = client.get("/zh/guides/trademark-registration")
    assert first.headers["ETag"]
    again = client.get("/zh/guides/trademark-registration", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_security_headers_on_every_response(client):
    for path in ("/zh/", "/nope", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_page_needs_inline_script_or_style(client, catalog):
    for path in all_paths(catalog):
        html = client.get(f"/zh{path}").get_data(as_text=True)
        assert "<script" not in html and "<style" not in html and " style=" not in html, path
