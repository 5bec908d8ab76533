"""Overseas risk alerts: content, the filtered list, pagination, detail pages, Atom feeds, search, sitemap."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from portal.alerts.filters import MAX_PAGE, paginate, parse_filters
from portal.vocab import INDUSTRIES, REGIONS, RISK_TYPES
from tests.test_content_check import problems_for

ALERT_FRONT = """---
title: {title}
summary: One sentence.
kind: alert
date: 2026-03-01
regions: [eu]
industries: [rubber]
risk: customs
severity: high
updated: 2026-03-02
reviewed: 2026-03-02
sources:
  - title: Source
    url: https://example.org/notice.html
    checked: 2026-03-02
    role: primary
    event_date: 2026-03-01
---
"""


def links(html, prefix):
    return re.findall(rf'href="({re.escape(prefix)}[a-z0-9-]+)"', html)


def test_at_least_eight_real_alerts_in_both_languages_with_sources(catalog):
    for lang in ("zh", "en"):
        alerts = catalog.alerts(lang)
        assert len(alerts) >= 8
        for alert in alerts:
            assert alert.sources and all(s.url.startswith(("https://", "http://")) for s in alert.sources)
            assert alert.date <= date(2026, 11, 26)
            assert set(alert.regions) <= set(REGIONS) and set(alert.industries) <= set(INDUSTRIES)
    assert {a.slug for a in catalog.alerts("zh")} == {a.slug for a in catalog.alerts("en")}
    # the alerts cover more than one kind of risk and more than one market
    assert len({a.risk for a in catalog.alerts("en")}) >= 5
    assert len({r for a in catalog.alerts("en") for r in a.regions}) >= 3


@pytest.mark.parametrize(("query", "industries", "regions", "risks", "page", "unknown", "bad_page"), [
    ("", (), (), (), 1, [], None),
    ("industry=rubber&region=eu&region=us", ("rubber",), ("eu", "us"), (), 1, [], None),
    ("region=eu&region=eu&risk=customs&page=2", (), ("eu",), ("customs",), 2, [], None),
    ("industry=nope&region=mars", (), (), (), 1, [("industry", "nope"), ("region", "mars")], None),
    ("page=abc", (), (), (), 1, [], "abc"),
    ("page=0", (), (), (), 1, [], "0"),
    (f"page={MAX_PAGE + 1}", (), (), (), 1, [], str(MAX_PAGE + 1)),
    ("page=99999999999999999999999", (), (), (), 1, [], "99999999999999999999"),
    ("industry=&region=", (), (), (), 1, [], None),
])
def test_parse_filters(query, industries, regions, risks, page, unknown, bad_page):
    args = MultiDict([pair.split("=", 1) for pair in query.split("&") if pair])
    filters = parse_filters(args)
    assert (filters.industries, filters.regions, filters.risks, filters.page) == (industries, regions, risks, page)
    assert (filters.unknown, filters.bad_page) == (unknown, bad_page)


def test_paginate():
    items = list(range(23))
    assert paginate(items, 1, 10) == (list(range(10)), 3)
    assert paginate(items, 3, 10) == ([20, 21, 22], 3)
    assert paginate(items, 4, 10) == ([], 3)
    assert paginate([], 1, 10) == ([], 1)


def test_catalog_filter_is_any_of_within_and_all_of_across(catalog):
    every = catalog.alerts("en")
    both = catalog.alerts("en", regions=("eu", "us"))
    assert {a.slug for a in both} == {a.slug for a in every if {"eu", "us"} & set(a.regions)}
    narrowed = catalog.alerts("en", industries=("rubber",), regions=("eu", "us"))
    assert narrowed and {a.slug for a in narrowed} == {
        a.slug for a in both if "rubber" in a.industries}
    assert [a.date for a in every] == sorted((a.date for a in every), reverse=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_list_shows_exactly_the_filtered_alerts(client, catalog, lang):
    # a market choice also lists the alerts for every market ("global")
    expected = catalog.alerts(lang, industries=("new-materials",), regions=("us", "eu", "global"))
    response = client.get(f"/{lang}/alerts?industry=new-materials&region=us&region=eu")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = links(html.split('class="cards alert-list"', 1)[1], f"/{lang}/alerts/")
    assert shown == [f"/{lang}/alerts/{a.slug}" for a in expected]
    # the choices stay ticked, and the feed and the language switch keep them
    assert 'value="new-materials" checked' in html and 'value="us" checked' in html
    assert 'type="application/atom+xml"' in html
    feed = f"/{lang}/alerts/feed.atom?industry=new-materials&amp;region=us&amp;region=eu"
    assert re.search(re.escape('rel="alternate" type="application/atom+xml"') + r'[^>]*href="' + re.escape(feed), html)
    other = "en" if lang == "zh" else "zh"
    assert f'class="language-switch" href="/{other}/alerts?industry=new-materials&amp;region=us&amp;region=eu"' in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_global_alerts_appear_under_every_market_labelled_as_global(client, catalog, lang):
    every_market = [a for a in catalog.alerts(lang) if "global" in a.regions]
    assert every_market, "the content has alerts for every market"
    label = str(escape({"zh": "多个市场或全球", "en": "Several markets or worldwide"}[lang]))
    for region in REGIONS:
        html = client.get(f"/{lang}/alerts?region={region}").get_data(as_text=True)
        listed = html.split('class="cards alert-list"', 1)[1]
        shown = links(listed, f"/{lang}/alerts/")
        for alert in every_market:
            assert f"/{lang}/alerts/{alert.slug}" in shown, (region, alert.slug)
        # each global alert's card names its market as global
        for card in listed.split('<li class="card alert-card')[1:]:
            slug = links(card, f"/{lang}/alerts/")[0].rsplit("/", 1)[1]
            if slug in {a.slug for a in every_market}:
                assert label in card, (region, slug)
    # a market's feed carries them too; a choice of one industry still narrows them
    feed = feedparser.parse(client.get(f"/{lang}/alerts/feed.atom?region=africa").data)
    assert {a.slug for a in every_market} <= {e.link.rsplit("/", 1)[1] for e in feed.entries}
    education = client.get(f"/{lang}/alerts?region=africa&industry=education").get_data(as_text=True)
    expected = [a for a in every_market if "education" in a.industries]
    assert links(education.split('class="cards alert-list"', 1)[1], f"/{lang}/alerts/") == [
        f"/{lang}/alerts/{a.slug}" for a in catalog.alerts(lang, ("education",), ("africa", "global"))]
    assert expected and all(f"/{lang}/alerts/{a.slug}" in education for a in expected)


@pytest.mark.parametrize(("lang", "message"), [("zh", "中已知的选项，已忽略"), ("en", "is not a known choice")])
def test_unknown_filter_values_get_a_clear_message(client, lang, message):
    response = client.get(f"/{lang}/alerts?industry=spaceships&region=us")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "spaceships" in html
    assert 'value="us" checked' in html  # the understood choice is kept


@pytest.mark.parametrize("page", ["abc", "-1", "1.5", "10000000000000000000000"])
def test_bad_page_numbers_never_fail(client, page):
    response = client.get(f"/en/alerts?page={page}")
    assert response.status_code == 400
    assert "is not a page number" in response.get_data(as_text=True)


def test_a_page_past_the_end_is_404_with_a_way_back(client):
    response = client.get("/zh/alerts?page=50")
    assert response.status_code == 404
    assert 'href="/zh/alerts"' in response.get_data(as_text=True)


def test_no_match_says_so(client, catalog):
    # No customs alert concerns education in Africa or in every market.
    assert not catalog.alerts("en", industries=("education",), regions=("africa", "global"), risks=("customs",))
    response = client.get("/en/alerts?industry=education&region=africa&risk=customs")
    assert response.status_code == 200 and "No alert matches these choices." in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_detail_page_has_facts_sources_advice_and_feed(client, catalog, lang):
    for alert in catalog.alerts(lang):
        response = client.get(f"/{lang}/alerts/{alert.slug}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert str(escape(alert.title)) in html
        assert f'datetime="{alert.date.isoformat()}"' in html
        for source in alert.sources:
            assert f'href="{source.url}"' in html
        assert {"zh": "应对建议", "en": "What to do"}[lang] in html
        assert f'href="/{lang}/alerts/feed.atom"' in html and 'type="application/atom+xml"' in html
        assert f'/{lang}/requests/new?type=overseas-risk' in html
    assert client.get(f"/{lang}/alerts/no-such-alert").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feed_is_valid_atom_with_every_alert(client, catalog, lang):
    response = client.get(f"/{lang}/alerts/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    alerts = catalog.alerts(lang)
    assert [entry.link for entry in feed.entries] == [
        f"https://portal.example/{lang}/alerts/{a.slug}" for a in alerts]
    assert [entry.title for entry in feed.entries] == [a.title for a in alerts]
    assert feed.feed.links[0].href == f"https://portal.example/{lang}/alerts/feed.atom"
    first = feed.entries[0]
    assert first.published.startswith(alerts[0].date.isoformat())
    assert "<h2" in first.content[0].value  # the alert's HTML, escaped inside the XML


def test_filtered_feed_holds_only_the_filtered_alerts(client, catalog):
    feed = feedparser.parse(client.get("/en/alerts/feed.atom?risk=rule-change&region=us").data)
    assert not feed.bozo
    expected = catalog.alerts("en", regions=("us", "global"), risks=("rule-change",))
    assert expected and [e.link.rsplit("/", 1)[1] for e in feed.entries] == [a.slug for a in expected]
    assert all(e.tags[0].term == "rule-change" for e in feed.entries)


def test_feed_with_unknown_values_is_refused_plainly(client):
    response = client.get("/en/alerts/feed.atom?risk=weather")
    assert response.status_code == 400 and response.data == b"Unknown filter value in: risk\n"  # never echoed


def test_every_risk_type_has_a_label_and_filter_link(client):
    html = client.get("/en/alerts").get_data(as_text=True)
    for key, label in RISK_TYPES.items():
        assert f'value="{key}"' in html and str(label) in html


def test_home_shows_the_latest_three_alerts(client, catalog):
    for lang in ("zh", "en"):
        html = client.get(f"/{lang}/").get_data(as_text=True)
        section = html.split('id="alerts-title"', 1)[1].split("</section>", 1)[0]
        assert links(section, f"/{lang}/alerts/") == [f"/{lang}/alerts/{a.slug}" for a in catalog.alerts(lang)[:3]]


def test_alerts_are_in_the_sitemap(client, catalog):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for lang in ("zh", "en"):
        assert {f"https://portal.example/{lang}/{path}" for path in ("alerts", "institutions", "indicators")} <= locs
        for alert in catalog.alerts(lang):
            assert f"https://portal.example/{lang}/alerts/{alert.slug}" in locs


@pytest.mark.parametrize(("lang", "query", "slug"), [
    ("en", "Section 337 bulk containers", "section-337-composite-bulk-containers"),
    ("zh", "商标抢注 泰国", "thailand-trademark-squatting"),
    ("en", "Unified Patent Court", "eu-unified-patent-court"),
])
def test_alerts_are_found_by_search_with_their_kind(client, lang, query, slug):
    html = client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    assert f"/{lang}/alerts/{slug}" in html
    facet = client.get(f"/{lang}/search", query_string={"q": query, "kind": "alert"}).get_data(as_text=True)
    assert f"/{lang}/alerts/{slug}" in facet


def test_content_check_requires_the_alert_sections(app, make_content):
    body = {"zh": "## 事件概要\n\n内容。\n\n## 应对建议\n\n内容。\n",
            "en": "## What happened\n\nText.\n\n## Who is affected\n\nText.\n\n## What to do\n\nText.\n"}
    folder = make_content({f"alerts/demo.{lang}.md": ALERT_FRONT.format(title="T") + body[lang] for lang in body})
    [problem] = problems_for(app, folder)
    assert "alerts/demo.zh.md: alert sections must be" in problem and "影响对象" in problem


def test_alert_front_matter_is_validated(app, make_content):
    text = ALERT_FRONT.format(title="T").replace("regions: [eu]", "regions: [atlantis]").replace(
        "risk: customs", "risk: weather")
    folder = make_content({"alerts/demo.en.md": text})
    problems = problems_for(app, folder)
    assert any("regions: unknown ['atlantis']" in p for p in problems)
    assert any("risk: 'weather' is not one of" in p for p in problems)
