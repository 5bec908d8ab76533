"""Notices, the policy library and interpretations (issue 14): the schema and its checks between
pages, the lists' filters and pagination with bad input, the Atom feeds read by feedparser, the
sitemap, search and the home page, and notices in the alert subscriptions."""

from datetime import date

import feedparser
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.alerts import subscriptions
from portal.columns.filters import NOTICE_CHOICES, POLICY_CHOICES, parse
from portal.content.catalog import Catalog, page_from_text
from portal.content.check import check_pages
from portal.content.columns import open_calls_first
from portal.db import db
from portal.models import AlertDelivery, OutboxMessage

TODAY = date(2026, 12, 1)
POLICIES = {"ip-power-outline-2021-2035", "national-ip-plan-14th-five-year",
            "patent-commercialization-action-2023-2025",
            "hebei-ip-province-outline-2021-2035", "hebei-ip-plan-14th-five-year", "hengshui-ip-plan-14th-five-year",
            "patent-law-2020", "trademark-law-2019", "copyright-law-2020"}


def text(meta, body="正文。\n"):
    lines = ["---"] + [f"{key}: {value}" for key, value in meta.items()] + ["---", body]
    return "\n".join(lines)


POLICY = {"title": "某政策", "summary": "摘要。", "kind": "policy", "issuer": "[state-council]", "level": "national",
          "status": "in-force", "date": "2021-10-09", "updated": "2026-12-01", "reviewed": "2026-12-01",
          "sources": '[{title: "原文", url: "https://example.gov.cn/a.html", checked: "2026-12-01", role: primary}]'}
NOTICE = {"title": "某通知", "summary": "摘要。", "kind": "notice", "notice_kind": "call", "issuer": "[demo-office]",
          "demo": "true", "date": "2026-11-20", "closes": "2027-03-31", "updated": "2026-11-20",
          "reviewed": "2026-11-20"}
INTERPRETATION = {"title": "解读", "summary": "摘要。", "kind": "interpretation", "policy": "some-policy",
                  "date": "2026-12-01", "updated": "2026-12-01", "reviewed": "2026-12-01",
                  "sources": '[{title: "原文", url: "https://example.gov.cn/a.html", checked: "2026-12-01"}]'}


def load(section, meta, slug="some-policy", lang="zh"):
    return page_from_text(section, slug, lang, text(meta), f"{section}/{slug}.{lang}.md", TODAY)


@pytest.mark.parametrize(("section", "base", "changes", "problem"), [
    ("policies", POLICY, {"status": "repealed"}, "must name the document that changed it"),
    ("policies", POLICY, {"status": "amended"}, "must name the document that changed it"),
    ("policies", POLICY, {"changed_by": '{title: "新法", url: "https://example.gov.cn/b.html", date: "2026-06-26"}'},
     "only an amended or repealed policy"),
    ("policies", POLICY, {"status": "expired"}, "period_end"),
    ("policies", POLICY, {"status": "expired", "period_end": "2030-12-31"}, "its period runs until"),
    ("policies", POLICY, {"level": "planet"}, "level"),
    ("policies", POLICY, {"changed_by": '"only a title"', "status": "repealed"}, "title | url | date"),
    ("policies", POLICY, {"attachments": "[not-an-id]"}, "not attachment ids"),
    ("notices", NOTICE, {"closes": None}, "needs its closing date"),
    ("notices", NOTICE, {"closes": "2026-11-01"}, "is before the notice's date"),
    ("notices", NOTICE, {"issuer": "[state-council]"}, "names no real organisation"),
    ("notices", NOTICE, {"demo": None}, "demo-office is only for demo notices"),
    ("notices", NOTICE, {"demo": None, "issuer": "[cnipa]"}, "a real notice cites the notice itself"),
    ("notices", NOTICE, {"notice_kind": "gossip"}, "notice_kind"),
    ("interpretations", INTERPRETATION, {"policy": None}, "policy: missing"),
    ("policies", POLICY, {"demo": "true"}, "only notices may be demo pages"),
])
def test_the_schema_refuses_what_a_column_page_may_not_be(section, base, changes, problem):
    meta = {key: value for key, value in {**base, **changes}.items() if value is not None}
    page, problems = load(section, meta)
    assert page is None
    assert any(problem in p for p in problems), problems


def test_a_repealed_policy_that_names_its_changing_document_loads():
    page, problems = load("policies", {**POLICY, "status": "repealed", "changed_by":
                                       '{title: "新法", url: "/zh/policies/new-law", date: "2026-06-26"}'})
    assert problems == [] and page.changed_by.title == "新法" and page.changed_by.date == date(2026, 6, 26)
    # The edit form types the changing document on one line.
    typed, _problems = load("policies", {**POLICY, "status": "amended",
                                         "changed_by": '"新法 | https://example.gov.cn/b.html | 2026-06-26"'})
    assert typed.changed_by.url == "https://example.gov.cn/b.html"


def test_an_interpretation_must_link_to_a_policy_in_the_library():
    interpretation, problems = load("interpretations", INTERPRETATION, slug="what-it-means")
    assert problems == []
    policy, _problems = load("policies", POLICY, slug="some-policy")
    other_language, _problems = load("policies", POLICY, slug="some-policy", lang="en")
    found = check_pages([interpretation, policy, other_language], [], lambda path: True)
    assert not any("is not a policy file in the library" in p for p in found)
    broken = check_pages([interpretation, other_language], [], lambda path: True)
    assert any("interpretations/what-it-means.zh.md: policy 'some-policy' is not a policy file" in p for p in broken)


def test_a_changed_by_link_into_the_library_must_exist():
    policy, _problems = load("policies", {**POLICY, "status": "repealed", "changed_by":
                                          '{title: "新法", url: "/zh/policies/missing", date: "2026-06-26"}'})
    assert any("which is not in the library" in p for p in check_pages([policy], [], lambda path: True))


def test_open_calls_come_first_nearest_closing_date_first():
    def notice(slug, kind, day, closes=None):
        meta = {**NOTICE, "notice_kind": kind, "date": day}
        meta = {k: v for k, v in {**meta, "closes": closes}.items() if v is not None}
        page, problems = load("notices", meta, slug=slug)
        assert problems == [], problems
        return page
    pages = [notice("late-close", "call", "2026-11-01", "2027-06-30"), notice("result", "result", "2026-11-30"),
             notice("soon-close", "call", "2026-10-01", "2026-12-31"),
             notice("closed", "call", "2026-11-29", "2026-11-30")]
    assert [p.slug for p in open_calls_first(pages, TODAY)] == ["soon-close", "late-close", "result", "closed"]
    # On its closing day a call is still open; the day after, it is not.
    assert [p.slug for p in open_calls_first(pages, date(2026, 11, 30))][:3] == ["closed", "soon-close", "late-close"]


@pytest.mark.parametrize(("args", "unknown", "bad_page", "page"), [
    ({"kind": ["call", "gossip"]}, [("kind", "gossip")], None, 1),
    ({"year": ["2026", "abcd", "1800", "２０２６"]},
     [("year", "abcd"), ("year", "1800"), ("year", "２０２６")], None, 1),
    ({"page": ["0"]}, [], "0", 1),
    ({"page": ["²"]}, [], "²", 1),
    ({"page": ["3"]}, [], None, 3),
    ({"page": ["99999999999999999999"]}, [], "99999999999999999999", 1),
    ({"order": ["random"]}, [("order", "random")], None, 1),
    ({"topic": ["x" * 500]}, [("topic", "x" * 40)], None, 1),
])
def test_notice_filters_keep_bad_values_aside(args, unknown, bad_page, page):
    filters = parse(MultiDict([(k, v) for k, values in args.items() for v in values]), NOTICE_CHOICES, {2026, 2025})
    assert filters.unknown == unknown and filters.bad_page == bad_page and filters.page == page


def test_policy_filters_take_each_choice_once():
    filters = parse(MultiDict([("level", "hebei"), ("level", "hebei"), ("status", "expired"), ("year", "2021")]),
                    POLICY_CHOICES, {2021})
    assert filters.values("level") == ("hebei",) and filters.years == (2021,) and not filters.unknown
    assert filters.query_args == {"level": ["hebei"], "issuer": [], "topic": [], "status": ["expired"],
                                  "year": ["2021"]}


# --- The public pages on the real content ------------------------------------------------------

def test_the_policy_library_holds_the_real_files_in_both_languages(client, catalog):
    for lang in ("zh", "en"):
        assert {p.slug for p in catalog.in_section("policies", lang)} == POLICIES
        assert len(catalog.in_section("interpretations", lang)) >= 4
        page = client.get(f"/{lang}/policies")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert all(f"/{lang}/policies/{slug}" in html for slug in POLICIES)
    assert catalog.get("policies", "hengshui-ip-plan-14th-five-year", "zh").doc_number == "衡政办字〔2022〕27号"
    # The city plan states the provincial plan's 文号 (the national plan's could not be verified on an official page).
    assert catalog.get("policies", "hebei-ip-plan-14th-five-year", "en").doc_number == "冀政字〔2021〕66号"
    city_plan = {p.policy for p in catalog.in_section("interpretations", "zh")}
    assert "hengshui-ip-plan-14th-five-year" in city_plan


@pytest.mark.parametrize(("query", "slugs"), [
    ("level=hengshui", {"hengshui-ip-plan-14th-five-year"}),
    ("level=hebei&status=expired", {"hebei-ip-plan-14th-five-year"}),
    ("status=amended", {"trademark-law-2019"}),
    ("year=2022", {"hengshui-ip-plan-14th-five-year"}),
    # Any of the issuers: the Hebei outline was issued jointly with the provincial party committee.
    ("issuer=hengshui-government-office&issuer=hebei-government", {"hengshui-ip-plan-14th-five-year",
                                                                    "hebei-ip-plan-14th-five-year",
                                                                    "hebei-ip-province-outline-2021-2035"}),
    # 冀发〔2021〕31号 gives no day; its year comes from the document number.
    ("year=2021&level=hebei", {"hebei-ip-plan-14th-five-year", "hebei-ip-province-outline-2021-2035"}),
])
def test_policy_filters_on_the_list(client, query, slugs):
    html = client.get(f"/en/policies?{query}").get_data(as_text=True)
    shown = {slug for slug in POLICIES if f'href="/en/policies/{slug}"' in html}
    assert shown == slugs


@pytest.mark.parametrize(("url", "status", "says"), [
    ("/zh/policies?level=mars", 400, "“mars”不是"),
    ("/en/policies?year=20x1", 400, "is not a known choice for Year"),
    ("/en/policies?page=abc", 400, "is not a page number"),
    ("/en/policies?page=7", 404, "There is no page 7"),
    ("/en/notices?kind=%3Cscript%3E", 400, "&lt;script&gt;"),
    ("/zh/notices?order=sideways", 400, "sideways"),
    ("/en/notices?page=2", 404, "Go to the first page"),
])
def test_bad_filter_input_gets_a_message_not_an_error(client, url, status, says):
    response = client.get(url)
    assert response.status_code == status
    assert says in response.get_data(as_text=True)


def test_an_amended_policy_names_and_links_the_law_that_changed_it(client):
    html = client.get("/zh/policies/trademark-law-2019").get_data(as_text=True)
    assert "本文件已被修改" in html or "This file has been amended" in html
    assert 'href="https://www.changtsi.com/news/insight/4174.html"' in html
    ended = client.get("/en/policies/hengshui-ip-plan-14th-five-year").get_data(as_text=True)
    assert "The period of this file ended on" in ended
    assert 'href="/en/interpretations/hengshui-ip-plan-for-enterprises"' in ended


def test_an_interpretation_links_its_policy(client):
    html = client.get("/en/interpretations/patent-commercialization-for-enterprises").get_data(as_text=True)
    assert 'href="/en/policies/patent-commercialization-action-2023-2025"' in html
    assert client.get("/en/interpretations/no-such-page").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feeds_per_language_and_filter_parse(client, lang):
    every = feedparser.parse(client.get(f"/{lang}/policies/feed.atom").get_data())
    assert not every.bozo, every.bozo_exception
    assert len(every.entries) == len(POLICIES)
    assert every.feed.language.startswith("zh" if lang == "zh" else "en")
    hebei = feedparser.parse(client.get(f"/{lang}/policies/feed.atom?level=hebei").get_data())
    assert {e.link.rsplit("/", 1)[1] for e in hebei.entries} == {"hebei-ip-plan-14th-five-year",
                                                                 "hebei-ip-province-outline-2021-2035"}
    assert hebei.feed.links[0].href.endswith(f"/{lang}/policies/feed.atom?level=hebei")
    assert all(any(t.term == "level:hebei" for t in e.tags) for e in hebei.entries)
    notices = feedparser.parse(client.get(f"/{lang}/notices/feed.atom?kind=call").get_data())
    assert not notices.bozo and notices.entries == []  # no real notice has been published yet
    refused = client.get(f"/{lang}/notices/feed.atom?kind=%00boom")
    assert refused.status_code == 400 and refused.mimetype == "text/plain" and "boom" not in refused.get_data(True)


def test_sitemap_search_and_home_page_know_the_columns(client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for path in ("/zh/policies/hengshui-ip-plan-14th-five-year",
                 "/en/interpretations/trademark-law-revision-for-enterprises",
                 "/zh/notices", "/en/policies"):
        assert f"https://portal.example{path}</loc>" in sitemap
    found = client.get("/zh/search?q=衡政办字").get_data(as_text=True)
    assert "/zh/policies/hengshui-ip-plan-14th-five-year" in found
    faceted = client.get("/zh/search?q=专利转化&kind=interpretation").get_data(as_text=True)
    assert "/zh/interpretations/patent-commercialization-for-enterprises" in faceted
    assert "/zh/policies/patent-commercialization-action-2023-2025" not in faceted
    home = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/notices"' in home and 'href="/en/policies"' in home


# --- Notices in the alert subscriptions --------------------------------------------------------

def test_subscribers_who_ask_get_new_notices_once(app, catalog):
    notice, problems = load("notices", NOTICE, slug="demo-call", lang="en")
    assert problems == []
    with_notice = Catalog([*catalog, notice], "test")
    with app.app_context():
        secret, site = app.config["SECRET_KEY"], app.config["SITE_URL"]
        wants = subscriptions.subscribe("wants@example.com", ["rubber"], ["mars-free"], "weekly", "en", "v", secret,
                                        site, notices=True)
        plain = subscriptions.subscribe("plain@example.com", ["rubber"], [], "weekly", "en", "v", secret, site)
        for row in (wants, plain):
            subscriptions.confirm(row.id)
        assert subscriptions.queue_digests(with_notice, "weekly", secret, site, since=date(2026, 11, 1)) >= 1
        digests = {m.recipient: m for m in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "alert-digest"))}
        assert "https://portal.example/en/notices/demo-call" in digests["wants@example.com"].body
        assert "plain@example.com" not in digests or "/notices/" not in digests["plain@example.com"].body
        sent = db.session.scalars(select(AlertDelivery.alert_slug).where(
            AlertDelivery.subscription_id == wants.id)).all()
        assert "notices/demo-call" in sent
        # Next week: nothing new, nothing sent again.
        subscriptions.db.session.query(type(wants)).update({"last_sent_at": None})
        db.session.commit()
        assert subscriptions.queue_digests(with_notice, "weekly", secret, site, since=date(2026, 11, 1)) == 0


def test_the_subscription_form_offers_notices(client):
    html = client.get("/zh/alerts/subscribe?notices=1").get_data(as_text=True)
    assert 'name="notices"' in html and "checked" in html.split('name="notices"')[0][-200:] + html.split(
        'name="notices"')[1][:200]


def test_subscribing_to_notices_goes_through_the_same_double_opt_in(app, client):
    from tests.test_alert_subscriptions import only_subscription, subscribe

    response = subscribe(client, lang="zh", notices="y", industries=[], regions=[])
    assert response.status_code == 303
    row = only_subscription(app)
    assert row.notices is True and row.status == "pending"
    with app.app_context():
        confirm = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "alert-confirm"))
        assert confirm.recipient == "trade@example.com"
