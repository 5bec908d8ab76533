"""Bad input thrown at every endpoint: the right 4xx page or a validation message, nothing saved,
never a 500 or a stack trace. Runs on SQLite and, where it answers, PostgreSQL (which refuses
NUL in text, so what SQLite would quietly store must be stopped before the database).

ENDPOINTS below must name every endpoint in app.url_map: a new route fails
test_every_endpoint_is_covered until it has a row. Staff and admin rows name the demo account
the test signs in as first, so the bad input reaches the view behind the login.
"""

import email
import io
from dataclasses import dataclass, field
from email import policy

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.content.store import ContentRevision
from portal.db import db
from portal.events.models import EventRegistration
from portal.models import AssistanceRequest, Attachment, OutboxMessage
from portal.notify.outbox import build_email
from tests.conftest import TYPE_FIELDS, check, open_form, post_multipart, send_checked, submit, valid_fields
from tests.events_helpers import events_in, registration_fields
from tests.staff_helpers import ADMIN, COORDINATOR, login, token_for
from tests.support import postgres
from tests.support.forms import check_page_fields, csrf_token


@dataclass(frozen=True)
class Endpoint:
    path: str                      # an example URL with {placeholders} for its path parameters
    params: tuple = ()             # path parameters to attack with traversal and bad bytes
    post: bool = False             # takes a form
    query: tuple = ()              # query-string parameters it reads
    login: str = ""                # staff area: the demo account the test signs in as first
    extra: dict = field(default_factory=dict)


EDITOR = "editor@demo.invalid"
CONTENT_PAGE = {"section": "guides", "slug": "trademark-registration", "doc_lang": "zh"}
ENDPOINTS = {
    "site.root": Endpoint("/"),
    "site.healthz": Endpoint("/healthz"),
    "site.sitemap": Endpoint("/sitemap.xml"),
    "site.robots": Endpoint("/robots.txt"),
    "static": Endpoint("/static/{filename}", params=("filename",), extra={"filename": "css/portal.css"}),
    "pages.home": Endpoint("/{lang}/", params=("lang",)),
    "pages.guides_hub": Endpoint("/{lang}/guides/", params=("lang",), query=("topic", "audience")),
    "pages.guide": Endpoint("/{lang}/guides/{slug}", params=("lang", "slug"),
                            extra={"slug": "trademark-registration"}),
    "education.hub": Endpoint("/{lang}/education/", params=("lang",), query=("level", "kind")),
    "education.material": Endpoint("/{lang}/education/{slug}", params=("lang", "slug"),
                                   extra={"slug": "campus-ip-quiz"}),
    "alerts.index": Endpoint("/{lang}/alerts", params=("lang",), query=("industry", "region", "risk", "page")),
    "alerts.feed": Endpoint("/{lang}/alerts/feed.atom", params=("lang",), query=("industry", "region", "risk")),
    "alerts.detail": Endpoint("/{lang}/alerts/{slug}", params=("lang", "slug"),
                              extra={"slug": "eu-design-reform-2025"}),
    "alerts.subscribe": Endpoint("/{lang}/alerts/subscribe", params=("lang",), post=True),
    "alerts.sent": Endpoint("/{lang}/alerts/subscribe/sent", params=("lang",)),
    "alerts.confirm": Endpoint("/{lang}/alerts/confirm/{token}", params=("lang", "token"), post=True,
                                      extra={"token": "x" * 40}),
    "alerts.unsubscribe": Endpoint("/{lang}/alerts/unsubscribe/{token}", params=("lang", "token"),
                                          post=True, extra={"token": "x" * 40}),
    "institutions.index": Endpoint("/{lang}/institutions", params=("lang",), query=("county", "service")),
    "indicators.index": Endpoint("/{lang}/indicators", params=("lang",)),
    "indicators.csv_download": Endpoint("/{lang}/indicators.csv", params=("lang",)),
    "reports.service_report": Endpoint("/{lang}/service-report", params=("lang",), query=("year",)),
    "healthcheck.start": Endpoint("/{lang}/health-check", params=("lang",)),
    "healthcheck.step": Endpoint("/{lang}/health-check", params=("lang",), post=True),
    "healthcheck.result": Endpoint("/{lang}/health-check/result", params=("lang",), query=("a",)),
    "pages.about": Endpoint("/{lang}/about", params=("lang",)),
    "pages.privacy": Endpoint("/{lang}/privacy", params=("lang",)),
    "pages.accessibility": Endpoint("/{lang}/accessibility", params=("lang",)),
    "search.results": Endpoint("/{lang}/search", params=("lang",), query=("q", "kind", "topic", "audience", "page")),
    "search.opensearch": Endpoint("/{lang}/opensearch.xml", params=("lang",)),
    "requests.new": Endpoint("/{lang}/requests/new", params=("lang",), post=True, query=("type", "topic")),
    "requests.status": Endpoint("/{lang}/requests/status/{token}", params=("lang", "token"),
                                query=("submitted",), extra={"token": "x" * 43}),
    "requests.message": Endpoint("/{lang}/requests/status/{token}/message", params=("lang", "token"),
                                 post=True, extra={"token": "x" * 43}),
    "requests.stop_sms": Endpoint("/{lang}/requests/status/{token}/stop-sms", params=("lang", "token"),
                                  post=True, extra={"token": "x" * 43}),
    "requests.consent_move": Endpoint("/{lang}/requests/status/{token}/consent-move", params=("lang", "token"),
                                      post=True, extra={"token": "x" * 43}),
    "requests.track": Endpoint("/{lang}/requests/track", params=("lang",), post=True, query=("sent",)),
    "requests.track_email": Endpoint("/{lang}/requests/track/email", params=("lang",), post=True),
    "ratings.rate": Endpoint("/{lang}/requests/rate/{token}", params=("lang", "token"), post=True,
                             extra={"token": "x" * 43}),
    "site.area_root": Endpoint("/staff/"),
    # The staff area: the sign-in pages are open; the rest is behind a login.
    "accounts.login": Endpoint("/{lang}/staff/login", params=("lang",), post=True, query=("next",)),
    "accounts.logout": Endpoint("/{lang}/staff/logout", params=("lang",), post=True),
    "accounts.reset_request": Endpoint("/{lang}/staff/reset", params=("lang",), post=True),
    "accounts.set_password": Endpoint("/{lang}/staff/password/{purpose}/{token}", params=("lang", "purpose", "token"),
                                   post=True, extra={"purpose": "reset", "token": "x" * 40}),
    "accounts.account": Endpoint("/{lang}/staff/account", params=("lang",), post=True, login=COORDINATOR),
    "accounts.second_step": Endpoint("/{lang}/staff/login/code", params=("lang",), post=True),
    "accounts.confirm": Endpoint("/{lang}/staff/confirm", params=("lang",), post=True, query=("next",),
                                 login=COORDINATOR),
    "accounts.enrol": Endpoint("/{lang}/staff/second-factor", params=("lang",), post=True, login=COORDINATOR),
    "casework.queue": Endpoint("/{lang}/staff/", params=("lang",), login=COORDINATOR,
                            query=("status", "type", "county", "overdue", "page")),
    "casework.detail": Endpoint("/{lang}/staff/requests/{request_id}", params=("lang", "request_id"),
                             query=("all",), login=COORDINATOR, extra={"request_id": "1"}),
    "casework.act": Endpoint("/{lang}/staff/requests/{request_id}", params=("lang", "request_id"), post=True,
                          login=COORDINATOR, extra={"request_id": "1"}),
    "casework.attachment": Endpoint("/{lang}/staff/requests/{request_id}/attachments/{attachment_id}",
                                 params=("lang", "request_id", "attachment_id"), login=COORDINATOR,
                                 extra={"request_id": "1", "attachment_id": "1"}),
    "casework.export": Endpoint("/{lang}/staff/export.csv", params=("lang",), login=COORDINATOR),
    "hotline.new": Endpoint("/{lang}/staff/hotline/new", params=("lang",), post=True, login=COORDINATOR),
    "hotline.export": Endpoint("/{lang}/staff/hotline/export.csv", params=("lang",), login=COORDINATOR),
    "ratings.follow_ups": Endpoint("/{lang}/staff/follow-ups/", params=("lang",), login=COORDINATOR),
    "ratings.follow_up": Endpoint("/{lang}/staff/follow-ups/{follow_up_id}", params=("lang", "follow_up_id"),
                                        post=True, login=COORDINATOR, extra={"follow_up_id": "1"}),
    "admin.index": Endpoint("/{lang}/admin/", params=("lang",), login=ADMIN),
    "admin.institutions": Endpoint("/{lang}/admin/institutions", params=("lang",), login=ADMIN),
    "admin.institution": Endpoint("/{lang}/admin/institutions/{institution_id}",
                                  params=("lang", "institution_id"), post=True, login=ADMIN,
                                  extra={"institution_id": "1"}),
    "admin.users": Endpoint("/{lang}/admin/users", params=("lang",), login=ADMIN),
    "admin.user": Endpoint("/{lang}/admin/users/{user_id}", params=("lang", "user_id"), post=True, login=ADMIN,
                           extra={"user_id": "2"}),
    "admin.reinvite": Endpoint("/{lang}/admin/users/{user_id}/invite", params=("lang", "user_id"), post=True,
                               login=ADMIN, extra={"user_id": "999999"}),
    "admin.reset_second_factor": Endpoint("/{lang}/admin/users/{user_id}/second-factor/reset",
                                          params=("lang", "user_id"), post=True, login=ADMIN,
                                          extra={"user_id": "999999"}),
    "admin.rules": Endpoint("/{lang}/admin/rules", params=("lang",), login=ADMIN),
    "admin.rule": Endpoint("/{lang}/admin/rules/{rule_id}", params=("lang", "rule_id"), post=True, login=ADMIN,
                           extra={"rule_id": "1"}),
    "admin.delete_rule": Endpoint("/{lang}/admin/rules/{rule_id}/delete", params=("lang", "rule_id"), post=True,
                                  login=ADMIN, extra={"rule_id": "999999"}),
    "admin.try_rules": Endpoint("/{lang}/admin/rules/try", params=("lang",), login=ADMIN,
                                query=("request_type", "county", "industry")),
    "admin.requesters": Endpoint("/{lang}/admin/requesters", params=("lang",), post=True, login=ADMIN),
    "admin.indicators": Endpoint("/{lang}/admin/indicators", params=("lang",), post=True, login=ADMIN),
    "events.index": Endpoint("/{lang}/events", params=("lang",), query=("kind", "county", "topic", "month")),
    "events.feed": Endpoint("/{lang}/events/feed.atom", params=("lang",)),
    "events.calendar": Endpoint("/{lang}/events/calendar.ics", params=("lang",)),
    "events.detail": Endpoint("/{lang}/events/{slug}", params=("lang", "slug"), post=True,
                              extra={"slug": "no-such-event"}),
    "events.event_calendar": Endpoint("/{lang}/events/{slug}/calendar.ics", params=("lang", "slug"),
                                      extra={"slug": "no-such-event"}),
    "events.registration": Endpoint("/{lang}/events/registration/{token}", params=("lang", "token"),
                                    extra={"token": "x" * 43}),
    "events.cancel": Endpoint("/{lang}/events/registration/{token}/cancel", params=("lang", "token"), post=True,
                              extra={"token": "x" * 43}),
    "events.rate": Endpoint("/{lang}/events/registration/{token}/rate", params=("lang", "token"), post=True,
                            extra={"token": "x" * 43}),
    "events.staff_index": Endpoint("/{lang}/staff/events/", params=("lang",), login=COORDINATOR),
    "events.staff_event": Endpoint("/{lang}/staff/events/{slug}/", params=("lang", "slug"), login=COORDINATOR,
                                   extra={"slug": "no-such-event"}),
    "events.staff_check_in": Endpoint("/{lang}/staff/events/{slug}/check-in", params=("lang", "slug"), post=True,
                                      login=COORDINATOR, extra={"slug": "no-such-event"}),
    "events.staff_message": Endpoint("/{lang}/staff/events/{slug}/message", params=("lang", "slug"), post=True,
                                     login=COORDINATOR, extra={"slug": "no-such-event"}),
    "events.staff_export": Endpoint("/{lang}/staff/events/{slug}/registrations.csv", params=("lang", "slug"),
                                    login=COORDINATOR, extra={"slug": "no-such-event"}),
    "events.staff_sign_in_sheet": Endpoint("/{lang}/staff/events/{slug}/sign-in-sheet", params=("lang", "slug"),
                                           login=COORDINATOR, extra={"slug": "no-such-event"}),
    "publishing.index": Endpoint("/{lang}/staff/content/", params=("lang",), login=EDITOR),
    "publishing.new_page": Endpoint("/{lang}/staff/content/new", params=("lang",), post=True, login=EDITOR),
    "publishing.edit": Endpoint("/{lang}/staff/content/{section}/{slug}/{doc_lang}/edit",
                                params=("lang", "section", "slug", "doc_lang"), post=True, login=EDITOR,
                                extra=CONTENT_PAGE),
    "publishing.document": Endpoint("/{lang}/staff/content/{section}/{slug}/", params=("lang", "section", "slug"),
                                    login=EDITOR, extra=CONTENT_PAGE),
    "publishing.act": Endpoint("/{lang}/staff/content/{section}/{slug}/act", params=("lang", "section", "slug"),
                               post=True, login=EDITOR, extra=CONTENT_PAGE),
    "publishing.compare": Endpoint("/{lang}/staff/content/{section}/{slug}/compare",
                                   params=("lang", "section", "slug"), query=("a", "b"), login=EDITOR,
                                   extra=CONTENT_PAGE),
    "publishing.restore": Endpoint("/{lang}/staff/content/{section}/{slug}/restore",
                                   params=("lang", "section", "slug"), post=True, login=EDITOR, extra=CONTENT_PAGE),
    # Notices, the policy library and interpretations (issue 14).
    "columns.notices": Endpoint("/{lang}/notices", params=("lang",), query=("topic", "kind", "year", "order", "page")),
    "columns.notices_feed": Endpoint("/{lang}/notices/feed.atom", params=("lang",), query=("topic", "kind", "year")),
    "columns.notice": Endpoint("/{lang}/notices/{slug}", params=("lang", "slug"), extra={"slug": "no-such-notice"}),
    "columns.policies": Endpoint("/{lang}/policies", params=("lang",),
                                 query=("level", "issuer", "topic", "status", "year", "page")),
    "columns.policies_feed": Endpoint("/{lang}/policies/feed.atom", params=("lang",),
                                      query=("level", "issuer", "topic", "status", "year")),
    "columns.policy": Endpoint("/{lang}/policies/{slug}", params=("lang", "slug"),
                               extra={"slug": "hengshui-ip-plan-14th-five-year"}),
    "columns.interpretations": Endpoint("/{lang}/interpretations", params=("lang",)),
    "columns.interpretation": Endpoint("/{lang}/interpretations/{slug}", params=("lang", "slug"),
                                       extra={"slug": "hengshui-ip-plan-for-enterprises"}),
    "columns.download": Endpoint("/{lang}/attachments/{token}", params=("lang", "token"), extra={"token": "0" * 32}),
    "columns.staff_attachments": Endpoint("/{lang}/staff/attachments/", params=("lang",), post=True, login=EDITOR),
    "columns.staff_download": Endpoint("/{lang}/staff/attachments/{token}", params=("lang", "token"), login=EDITOR,
                                       extra={"token": "0" * 32}),
    "columns.delete_attachment": Endpoint("/{lang}/staff/attachments/{token}/delete", params=("lang", "token"),
                                          post=True, login=EDITOR, extra={"token": "0" * 32}),
    "publishing.confirm_term": Endpoint("/{lang}/staff/content/{section}/{slug}/confirm-term",
                                        params=("lang", "section", "slug"), post=True, login=EDITOR,
                                        extra=CONTENT_PAGE),
    # Site health: the dashboard and its answer form; the contact page, problem reports, care mode.
    "sitehealth.dashboard": Endpoint("/{lang}/staff/site-health", params=("lang",), login=EDITOR),
    "sitehealth.answer_report": Endpoint("/{lang}/staff/site-health/reports/{report_id}",
                                         params=("lang", "report_id"), post=True, login=EDITOR,
                                         extra={"report_id": "1"}),
    "sitehealth.contact": Endpoint("/{lang}/contact", params=("lang",)),
    "sitehealth.report": Endpoint("/{lang}/report-a-problem", params=("lang",), post=True, query=("page",)),
    "sitehealth.report_sent": Endpoint("/{lang}/report-a-problem/sent", params=("lang",), query=("back",)),
    "sitehealth.care_mode": Endpoint("/{lang}/care-mode", params=("lang",), post=True),
}

NUL, BAD_UTF8, ASTRAL = "%00", "%ff%fe%c3%28", "%F0%9F%98%80%F0%A0%AE%B7"  # 😀𠮷
QUERY_VALUES = [NUL, "a%00b", BAD_UTF8, ASTRAL, "%C2%B2", "%D9%A3",  # "²" and an Arabic-Indic 3: not ASCII digits
                 "x" * 100_000, "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "%27%20OR%201%3D1%20--", "%22%3B%20DROP%20TABLE%20assistance_request%3B--", "-1",
                "99999999999999999999"]
PATH_VALUES = ["..%2f..%2f..%2fetc%2fpasswd", "../../etc/passwd", "..%5c..%5cwindows", "%2e%2e%2f%2e%2e%2f",
               NUL, "a%00.css", BAD_UTF8, ASTRAL, "x" * 5000, "%3Cscript%3E", "%27--",
               # Past PostgreSQL's integer and SQLite's 64 bits: a 404 at routing, never an overflow.
               "2147483648", "18446744073709551616", "99999999999999999999"]
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
OK = {200, 301, 302, 303, 304, 308}
REFUSED = {400, 404, 405, 413, 429}


def expand(endpoint, **override):
    values = {"lang": "zh", **endpoint.extra, **override}
    return endpoint.path.format(**values)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory, search_index):
    database = ""
    if request.param == "postgresql":
        database = request.getfixturevalue("postgres_url")  # skips when PostgreSQL is not there
        postgres.empty_schema(database)
    instance = tmp_path_factory.mktemp(f"bad-input-{request.param}")
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": instance,
                      "CONTENT_DIR": ROOT / "content", "SITE_URL": "https://portal.example",
                      "SEARCH_INDEX_DIR": search_index, "UPLOAD_DIR": instance / "uploads",  # the index: read only
                      "SUBMIT_RATE_LIMIT": "100000 per hour", "TRACK_RATE_LIMIT": "100000 per hour",
                      "LOGIN_RATE_LIMIT": "100000 per hour", "RESET_RATE_LIMIT": "100000 per hour",
                      "DATABASE_URL": database})
    runner = app.test_cli_runner()
    for command in (["search", "build"], ["db", "upgrade"], ["seed", "demo"], ["content", "import"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


def client_for(app, endpoint):
    """A browser for this row: signed in as the row's account when it is behind a login."""
    client = app.test_client()
    if endpoint.login:
        assert login(client, endpoint.login).status_code == 303
    return client


def stored(app):
    """What a request could leave behind: rows and upload files."""
    with app.app_context():
        rows = tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (AssistanceRequest, Attachment, OutboxMessage, ContentRevision))
    files = sorted(p.name for p in app.config["UPLOAD_DIR"].glob("*")) if app.config["UPLOAD_DIR"].exists() else []
    return rows, files


def assert_handled(response, allowed=OK | REFUSED):
    body = response.get_data(as_text=True)
    response.close()  # static files are streamed from an open file
    assert response.status_code in allowed, (response.status_code, body[:500])
    assert "Traceback" not in body and "sqlalchemy" not in body.lower() and "psycopg" not in body.lower()
    assert "<script>alert" not in body  # nothing reflected unescaped


def test_every_endpoint_is_covered(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ENDPOINTS)
    assert not missing, f"add rows to ENDPOINTS in tests/test_bad_input.py for {sorted(missing)}"
    assert not set(ENDPOINTS) - endpoints  # no stale rows either


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_bad_query_strings(app, name):
    endpoint = ENDPOINTS[name]
    client = client_for(app, endpoint)
    before = stored(app)
    params = endpoint.query or ("q", "x")
    for value in QUERY_VALUES:
        query = "&".join(f"{param}={value}" for param in params)
        assert_handled(client.get(f"{expand(endpoint)}?{query}"))
        if endpoint.post:
            assert_handled(client.post(f"{expand(endpoint)}?{query}", data={"number": value}))
    assert stored(app) == before


@pytest.mark.parametrize("name", sorted(name for name, e in ENDPOINTS.items() if e.params))
def test_bad_path_parameters(app, name):
    endpoint = ENDPOINTS[name]
    client = client_for(app, endpoint)
    before = stored(app)
    # A POST-only address answers a GET with 405 whatever its numbers (Werkzeug finds the method
    # wrong before it converts them); that is an answer too, never a 500.
    with client.get(expand(endpoint)) as plain:
        post_only = {405} if plain.status_code == 405 else set()
    for param in endpoint.params:
        for value in PATH_VALUES:
            response = client.get(expand(endpoint, **{param: value}))
            assert_handled(response, {400, 404, 308} | post_only)
            if param == "filename":
                assert b"root:" not in response.data
    assert stored(app) == before


@pytest.mark.parametrize("name", sorted(name for name, e in ENDPOINTS.items() if e.post))
def test_bad_bodies(app, name):
    endpoint = ENDPOINTS[name]
    client = client_for(app, endpoint)
    url = expand(endpoint) + ("?type=general" if name == "requests.new" else "")
    before = stored(app)
    tokens = open_form(client, "zh", "general")
    big = client.post(url, data=b"a=" + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                      content_type="application/x-www-form-urlencoded")
    # A view that first checks a token in its path may refuse with 404 before reading the body.
    assert big.status_code == 413 or (big.status_code == 404 and "token" in endpoint.params)
    parts = {f"f{n}": "x" for n in range(5000)}
    many = post_multipart(client, url, {**tokens, **parts})
    assert_handled(many, {413, 404} if "token" in endpoint.params else {413})
    for body in (b"csrf_token=" + tokens["csrf_token"].encode() + b"&number=\xff\xfe\x00&digits=%ff",
                 b"\xff\xfe\xfd", b"%00%00=%00", b"a=" + b"%ff" * 30_000):
        assert_handled(client.post(url, data=body, content_type="application/x-www-form-urlencoded"))
    garbled = client.post(url, data=b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\x00",
                          content_type="multipart/form-data; boundary=x")
    assert_handled(garbled)
    assert stored(app) == before


TEXT_FIELDS = ["organisation", "contact_name", "description"]
BAD_TEXT = [
    ("衡水\x00公司名称足够长的描述文字二十个字以上了吧", "NUL"),
    ("名称\ufffd足够长的描述文字二十个字以上了吧，真的", "invalid UTF-8, decoded"),
    ("x" * 100_000, "100 KB"),
    ("名称\x1b[31m足够长的描述文字二十个字以上了吧", "control characters"),
]


@pytest.mark.parametrize("request_type", sorted(TYPE_FIELDS))
@pytest.mark.parametrize(("value", "why"), BAD_TEXT)
def test_bad_text_in_every_field_is_a_validation_message(app, client, request_type, value, why):
    before = stored(app)
    own = [name for name, example in TYPE_FIELDS[request_type].items() if isinstance(example, str)
           and name not in ("ip_kind", "subject", "work_kind", "right_kind", "deadline")]
    for name in TEXT_FIELDS + own:
        response = submit(client, "en", request_type, **{name: value})
        assert response.status_code == 400, (name, why)
        html = response.get_data(as_text=True)
        assert 'class="error' in html or "error-summary" in html or "cannot be read" in html, (name, why)
        assert_handled(response, {400})
    assert stored(app) == before


# An event's registration form (portal/events): every field it has, its own questions included.
EVENT_FIELDS = ["organisation", "contact_name", "phone", "email", "credit_code", "q_need", "q_people"]


@pytest.mark.parametrize(("value", "why"), BAD_TEXT)
def test_bad_text_in_every_event_field_is_a_validation_message(app, client, value, why):
    with events_in(app, ("bad-input-event", {})):
        for name in EVENT_FIELDS:
            html = client.get("/en/events/bad-input-event").get_data(as_text=True)
            response = client.post("/en/events/bad-input-event", data={
                "csrf_token": csrf_token(html), **registration_fields(**{name: value})})
            assert response.status_code == 400, (name, why)
            assert "error-summary" in response.get_data(as_text=True), (name, why)
            assert_handled(response, {400})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 0


def test_sql_metacharacters_are_just_text(app, client):
    sql = "x'); DROP TABLE assistance_request; -- \" OR 1=1 ; SELECT pg_sleep(5)"
    response = submit(client, "en", "general", organisation=sql, description=sql + " — twenty characters and more")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.organisation == sql))
    csrf = open_form(client, "en", "general")["csrf_token"]
    for number in (sql, "HS2026-000001' OR '1'='1", "%", "_"):
        assert_handled(client.post("/en/requests/track", data={"csrf_token": csrf, "number": number,
                                                                "digits": "1' OR '1'='1"}), {200, 404})
        assert_handled(client.post("/en/requests/track/email", data={"csrf_token": csrf, "number": number,
                                                                      "email": sql}), {303})


def test_html_and_script_are_escaped_everywhere_shown(app, client):
    fields = {"organisation": SCRIPT, "contact_name": SCRIPT[:100], "description": SCRIPT + " 足够长的描述文字。",
              "technology": SCRIPT}
    response = submit(client, "en", "patent-advice", **fields)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "<script>alert" not in page.get_data(as_text=True)
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        assert request.organisation == SCRIPT  # stored as typed: escaping is the job of each output
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request.id)):
            parsed = email.message_from_bytes(bytes(build_email(message, "portal@portal.invalid")),
                                              policy=policy.default)
            assert parsed.get_content_type() == "text/plain"  # never HTML: a script is only text
    # the form shown again with errors escapes what was typed
    again = submit(client, "en", "general", organisation=SCRIPT, description="short")
    assert again.status_code == 400 and "<script>alert" not in again.get_data(as_text=True)
    assert "&lt;script&gt;" in again.get_data(as_text=True)


def test_emoji_and_astral_characters_round_trip(app, client):
    """Through the database, the status page, the acknowledgement e-mail and the search box."""
    name, organisation = "张😀𠮷", "衡水𠀀𪚥示例公司🏭"
    response = submit(client, "zh", "general", contact_name=name, organisation=organisation,
                      description="描述里有表情😀和扩展汉字𠮷𠀀，长度超过二十个字符。")
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        assert (request.contact_name, request.organisation) == (name, organisation)
        acknowledgement = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.request_id == request.id, OutboxMessage.purpose == "acknowledgement"))
        parsed = email.message_from_bytes(bytes(build_email(acknowledgement, "portal@portal.invalid")),
                                          policy=policy.default)
    assert name in parsed.get_content()
    assert client.get(response.headers["Location"]).status_code == 200
    results = client.get("/zh/search?q=😀𠮷商标")
    assert results.status_code == 200 and "😀𠮷商标" in results.get_data(as_text=True)


@pytest.mark.parametrize("consent", [None, "", "false"])
def test_forged_consent_saves_nothing(app, client, consent):
    before = stored(app)
    data = {**open_form(client, "en", "general"), **valid_fields("general", consent=consent)}
    if consent is None:
        data.pop("consent", None)
    response = post_multipart(client, "/en/requests/new?type=general", data)
    assert response.status_code == 400 and "your agreement" in response.get_data(as_text=True)
    assert stored(app) == before


def test_csrf_token_replayed_from_another_session_is_refused(app):
    victim, attacker = app.test_client(), app.test_client()
    tokens = open_form(victim, "en", "general")
    before = stored(app)
    response = post_multipart(attacker, "/en/requests/new?type=general", {**tokens, **valid_fields("general")})
    assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_replayed_submission_is_saved_once(app, client):
    checked = check(client, "en", "general")
    first = send_checked(client, "en", "general", checked)
    before = stored(app)
    second = send_checked(client, "en", "general", checked)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert stored(app) == before


def test_forged_form_tokens_are_replaced_not_stored(app, client):
    for forged in ("x" * 100_000, "a\x00b", "../../etc", "😀" * 20):
        data = {**open_form(client, "en", "general"), **valid_fields("general"), "form_token": forged}
        response = post_multipart(client, "/en/requests/new?type=general", data)
        assert_handled(response, {200, 400})
        if response.status_code == 200:  # the check page carries the portal's own token on
            response = send_checked(client, "en", "general", response)
            assert_handled(response, {303})
    with app.app_context():
        tokens = db.session.scalars(select(AssistanceRequest.form_token)).all()
    assert all(len(token) <= 64 and "\x00" not in token for token in tokens)


@pytest.mark.parametrize("account", [COORDINATOR, ADMIN])
def test_session_cookie_replayed_after_logout_is_refused(app, account):
    """Sign in, keep a copy of the session cookie, sign out, then send the copy to every route
    behind a login: each answers with the sign-in page (or refuses the form), never the page."""
    client = app.test_client()
    assert login(client, account).status_code == 303
    kept = client.get_cookie("session").value
    assert client.post("/zh/staff/logout", data={"csrf_token": token_for(client)}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", kept)
    rows = [e for e in ENDPOINTS.values() if e.login == account]
    assert rows
    for endpoint in rows:
        url = expand(endpoint)
        for response in ([replay.post(url, data={"csrf_token": "x"})] if endpoint.post else []) + [replay.get(url)]:
            body = response.get_data(as_text=True)
            assert response.status_code in (302, 400, 405), (url, response.status_code)
            if response.status_code == 302:
                assert "/staff/login" in response.headers["Location"]
            assert "Signed in as" not in body and "当前用户" not in body


# The check page's own fields (issue 16): the step, the draft token, the institution it named and the
# documents-kept box. Forged values are refused or ignored, never followed into the file system,
# never obeyed as a recipient, and nothing is saved without the check.
CHECK_PAGE_VALUES = [
    ("step", "send"), ("step", "x" * 10_000), ("step", "\x00"),
    ("draft", "../../../etc/passwd"), ("draft", "x" * 100_000), ("draft", "a\x00b" * 10), ("draft", "😀" * 30),
    ("recipient", "999999999999999999999"), ("recipient", "-1"), ("recipient", "1 OR 1=1"),
    ("discard_files", "y" * 10_000),
]


@pytest.mark.parametrize(("name", "value"), CHECK_PAGE_VALUES)
def test_forged_check_page_fields_are_handled_and_save_nothing_unchecked(app, client, name, value):
    checked = check(client, "en", "general", files=[(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")])
    assert checked.status_code == 200
    fields = check_page_fields(checked.get_data(as_text=True), recipient_consent=False)
    before = stored(app)
    response = post_multipart(client, "/en/requests/new?type=general", {**fields, name: value})
    assert_handled(response, {200, 400, 409})
    assert stored(app)[0] == before[0]  # no row saved: "Send" without the consent, or a forged draft
    assert not (app.config["UPLOAD_DIR"].parent / "etc").exists()
