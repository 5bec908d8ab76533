"""Finding 3: no secret in any log. A full journey against real gunicorn (a request and its
status link, tracking, a password reset, an invitation, an alert subscription with its confirm
and unsubscribe links, a health-check result) with the access log and the app's log on; then
every token the portal issued is looked for in every log line."""

import re
import urllib.error

import pytest
from sqlalchemy import create_engine, select

from portal.alerts.subscriptions import make_token
from portal.logs import redact
from portal.models import AlertSubscription, AssistanceRequest, OutboxMessage
from portal.secret_key import instance_key
from portal.seed import DEMO_PASSWORD
from tests.staff_helpers import ADMIN, CENTRE_STAFF, csrf_of
from tests.support.net import free_port
from tests.support.server import flask, portal_env, start_gunicorn, stop
from tests.support.visitor import Visitor
from tests.test_concurrent_actions import Session

TOKEN_IN_LINK = re.compile(r"/(?:requests/status|staff/password/[a-z]+|alerts/(?:confirm|unsubscribe))/"
                           r"([^/\s\"'<>?]+)")
NEW_PASSWORD = "a long river under old stone bridges"


@pytest.mark.parametrize(("line", "expected"), [
    ('"GET /zh/requests/status/Ab_c-12 HTTP/1.1"', '"GET /zh/requests/status/[redacted] HTTP/1.1"'),
    ("/en/staff/password/reset/eyJ.abc.def", "/en/staff/password/reset/[redacted]"),
    ("/en/staff/password/invite/x.y.z?next=/a", "/en/staff/password/invite/[redacted]?[redacted]"),
    ("/zh/alerts/confirm/tok.en", "/zh/alerts/confirm/[redacted]"),
    ("/zh/alerts/unsubscribe/tok.en", "/zh/alerts/unsubscribe/[redacted]"),
    ("/zh/health-check/result?a=answers", "/zh/health-check/result?[redacted]"),
    ("/zh/guides/trademark-registration", "/zh/guides/trademark-registration"),
    ("", ""),
])
def test_redact(line, expected):
    assert redact(line) == expected


def page(visitor, path):
    """The body of a GET, whatever its status."""
    try:
        with visitor.opener.open(visitor.base + path, timeout=30) as response:
            return response.read().decode()
    except urllib.error.HTTPError as answer:
        body = answer.read().decode(errors="replace")
        answer.close()
        return body


def form_fields(html):
    return {"csrf_token": csrf_of(html)}


def test_no_token_of_a_full_journey_reaches_any_log(tmp_path):
    access_log, error_log = tmp_path / "access.log", tmp_path / "gunicorn.log"
    env = portal_env(tmp_path, GUNICORN_ACCESS_LOG=access_log, PORTAL_LOG_LEVEL="INFO",
                     PORTAL_SITE_URL="https://portal.example")
    flask(env, "db", "upgrade")
    flask(env, "seed", "demo")
    port = free_port()
    process = start_gunicorn(env, port, error_log, workers=2)
    base = f"http://127.0.0.1:{port}"
    engine = create_engine(f"sqlite:///{tmp_path}/portal.db")
    try:
        visitor = Visitor(base)
        status_token = visitor.submit(visitor.open_form("zh"))
        assert isinstance(status_token, str)
        page(visitor, f"/zh/requests/status/{status_token}")
        page(visitor, "/zh/health-check/result?a=secret-answers-xyz")
        with engine.connect() as connection:
            req = connection.execute(select(AssistanceRequest.tracking_number, AssistanceRequest.phone)
                                     .where(AssistanceRequest.status_token == status_token)).one()
        html = page(visitor, "/zh/requests/track")
        visitor.post("/zh/requests/track", {**form_fields(html), "number": req.tracking_number,
                                            "digits": req.phone[-6:]})

        # A password reset, opened and used.
        html = page(visitor, "/en/staff/reset")
        visitor.post("/en/staff/reset", {**form_fields(html), "email": CENTRE_STAFF})
        # An invitation to a new account.
        admin = Session(base, ADMIN)
        html = admin.get("/en/admin/users/new")
        assert admin.post("/en/admin/users/new", {**form_fields(html), "email": "invited@example.com",
                                                  "name": "Invited", "role": "admin", "institution": "",
                                                  "lang": "en", "active": "y"})[0] == 303
        # An alert subscription.
        html = page(visitor, "/zh/alerts/subscribe")
        assert visitor.post("/zh/alerts/subscribe", {**form_fields(html), "email": "alerts@example.com",
                                                     "frequency": "weekly", "language": "zh",
                                                     "consent": "y"})[0] == 303
        with engine.connect() as connection:
            bodies = connection.scalars(select(OutboxMessage.body)).all()
            subscription = connection.scalar(select(AlertSubscription.id))
        links = [link for body in bodies for link in re.findall(r"https?://\S+", body) if TOKEN_IN_LINK.search(link)]
        for link in links:
            path = link.split("portal.example", 1)[1]
            html = page(visitor, path)
            if "csrf_token" not in html:  # a status link: a page, no form
                continue
            fields = form_fields(html)
            if "/password/reset/" in path:
                fields.update(password=NEW_PASSWORD, confirm=NEW_PASSWORD)
            visitor.post(path, fields)
        unsubscribe = make_token(instance_key(tmp_path), subscription, "unsubscribe")
        html = page(visitor, f"/zh/alerts/unsubscribe/{unsubscribe}")
        visitor.post(f"/zh/alerts/unsubscribe/{unsubscribe}", form_fields(html))
        page(visitor, f"/en/staff/password/reset/{status_token}x")  # a bad link is logged too
    finally:
        stop(process)
        engine.dispose()

    tokens = {status_token, unsubscribe, *(TOKEN_IN_LINK.search(link)[1] for link in links)}
    kinds = {kind for link in links for kind in ("/password/reset/", "/password/invite/", "/alerts/confirm/")
             if kind in link}
    assert kinds == {"/password/reset/", "/password/invite/", "/alerts/confirm/"}, links
    logs = access_log.read_text() + error_log.read_text()
    assert "/requests/status/[redacted]" in logs and "/staff/password/reset/[redacted]" in logs  # logging was on
    assert "/alerts/unsubscribe/[redacted]" in logs and "/alerts/confirm/[redacted]" in logs
    leaked = [token for token in tokens if token in logs]
    assert leaked == []
    assert "secret-answers-xyz" not in logs and req.tracking_number not in logs
    assert DEMO_PASSWORD not in logs and NEW_PASSWORD not in logs
