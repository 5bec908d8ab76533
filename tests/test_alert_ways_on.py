"""An alert list with no match offers the nearest alerts, a subscription and a request; search
results show an alert's own date (issue 15, point 5)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from portal.alerts.filters import parse_filters
from portal.alerts.nearest import NEAREST_SHOWN, nearest_alerts


def filters(**args):
    return parse_filters(MultiDict([(name, value) for name, values in args.items() for value in values]))


def test_no_match_offers_the_same_market_then_the_same_industry(catalog):
    chosen = filters(industry=["education"], region=["asean"], risk=["customs"])
    assert not catalog.alerts("en", chosen.industries, chosen.matching_regions, chosen.risks)
    market, industry = nearest_alerts(catalog, "en", chosen)
    same_market = catalog.alerts("en", regions=("asean", "global"))
    assert market.kind == "market" and market.total == len(same_market)
    assert list(market.alerts) == same_market[:NEAREST_SHOWN]
    assert any("asean" in alert.regions for alert in market.alerts)
    assert industry.kind == "industry" and list(industry.alerts) == catalog.alerts("en", industries=("education",))[
        :NEAREST_SHOWN]
    assert market.query_args == {"region": ["asean", "global"]} and industry.query_args == {"industry": ["education"]}


def test_a_group_is_left_out_when_that_choice_was_not_made(catalog):
    [market] = nearest_alerts(catalog, "en", filters(region=["africa"]))
    assert market.kind == "market" and list(market.alerts) == catalog.alerts("en", regions=("africa", "global"))[
        :NEAREST_SHOWN]
    assert nearest_alerts(catalog, "en", filters(risk=["customs"])) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_empty_list_page_links_nearest_alerts_subscription_and_request(client, catalog, lang):
    response = client.get(f"/{lang}/alerts?industry=education&region=asean&risk=customs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    block = html.split('class="no-match"', 1)[1]
    chosen = filters(industry=["education"], region=["asean"], risk=["customs"])
    for alert in nearest_alerts(catalog, lang, chosen)[0].alerts:
        assert f'href="/{lang}/alerts/{alert.slug}"' in block
    assert f'href="/{lang}/alerts?region=asean&amp;region=global"' in block
    assert f'href="/{lang}/alerts?industry=education"' in block
    assert f'href="/{lang}/alerts/subscribe?industry=education&amp;region=asean"' in block
    [request_link] = re.findall(rf'href="(/{lang}/requests/new\?[^"]+)"', block)
    query = parse_qs(urlsplit(unescape(request_link)).query)
    assert query["type"] == ["overseas-risk"] and query["industry"] == ["education"]
    assert {"zh": "东南亚", "en": "Southeast Asia"}[lang] in query["description"][0]
    # the request form opens with that description filled in
    form = client.get(unescape(request_link)).get_data(as_text=True)
    assert {"zh": "东南亚", "en": "Southeast Asia"}[lang] in unescape(form)


def test_a_list_with_results_offers_no_nearest_block(client):
    html = client.get("/en/alerts?region=us").get_data(as_text=True)
    assert 'class="no-match"' not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_shows_an_alerts_own_date_not_its_review(client, catalog, lang):
    alert = catalog.get("alerts", "uspto-us-attorney-rule", lang)
    assert alert.date.year == 2019 and alert.updated.year == 2026
    html = client.get(f"/{lang}/search", query_string={"q": alert.title, "kind": "alert"}).get_data(as_text=True)
    result = html.split(f'href="/{lang}/alerts/{alert.slug}"', 1)[1].split("</li>", 1)[0]
    assert "2019" in result and "2026" not in result
    assert {"zh": "日期", "en": "Dated"}[lang] in result
