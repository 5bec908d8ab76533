"""Finding 2: staff actions released together through real gunicorn workers, on SQLite and
PostgreSQL. For every pair of actions in the action table that change a request and can meet in
one status, two sessions act on one request at the same moment: exactly one applies, the other is
told the request changed meanwhile (409), and there is no second event, routing or e-mail."""

import itertools
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import create_engine, func, insert, select, update

from portal.casework import workflow
from portal.db import database_url
from portal.models import AssistanceRequest, AuditEvent, Institution, OutboxMessage, RoutingDecision
from portal.seed import DEMO_PASSWORD
from portal.vocab import ALL_STATUSES
from tests.staff_helpers import CENTRE_STAFF, COORDINATOR, SEEN_VERSION, csrf_of
from tests.support import postgres
from tests.support.net import free_port
from tests.support.server import flask, portal_env, start_gunicorn, stop
from tests.support.visitor import Visitor

CHANGED = "Someone changed this request while you were reading it"
EVENT_OF = {"accept": "accepted", "decline": "decline", "answer": "answered", "close": "closed",
            "reopen": "reopened", "reassign": "reassign", "close-unanswered": "closed"}


def colliding_pairs():
    """(status, first action, second action): both change the request and both are possible in
    that status (a coordinator may take every action)."""
    pairs = []
    for status in ALL_STATUSES:
        changing = [a for a in workflow.available(status, "coordinator") if workflow.ACTIONS[a].to_status]
        pairs += [(status, a, b) for a, b in itertools.combinations_with_replacement(changing, 2)]
    return pairs


def test_the_pairs_cover_the_table():
    pairs = colliding_pairs()
    assert ("assigned", "accept", "decline") in pairs and ("assigned", "decline", "decline") in pairs
    assert ("assigned", "accept", "accept") in pairs and not any("note" in p or "reply" in p for p in pairs)
    assert len(pairs) >= 25


class Session:
    """A signed-in member of staff: a cookie jar and no automatic redirects."""

    def __init__(self, base, email):
        self.base = base
        self.opener = Visitor(base).opener
        html = self.get("/en/staff/login")
        status, _ = self.post("/en/staff/login", {"csrf_token": csrf_of(html), "email": email,
                                                  "password": DEMO_PASSWORD})
        assert status == 303, f"{email} could not sign in"

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields):
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode())
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            body = answer.read().decode(errors="replace")
            answer.close()
            return answer.code, body

    def form_for(self, request_id, action, status, other_institution):
        html = self.get(f"/en/staff/requests/{request_id}")
        fields = {"csrf_token": csrf_of(html), "action": action, "seen_status": status,
                  "seen_version": SEEN_VERSION.search(html)[1]}
        if workflow.ACTIONS[action].needs_text:
            fields["text"] = f"{action} in the concurrency test"
        if action == "reassign":
            fields["institution"] = str(other_institution)
        return fields


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"race-{request.param}")
    extra = {"PORTAL_SUBMIT_RATE_LIMIT": "100000 per hour", "PORTAL_LOGIN_RATE_LIMIT": "1000 per minute",
             "PORTAL_SITE_URL": "https://portal.example"}
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")  # this run's own database, skipped without a server
        postgres.empty_schema(url)
        engine = create_engine(database_url({"DATABASE_URL": url}))
        extra["DATABASE_URL"] = url
    else:
        engine = create_engine(f"sqlite:///{root}/portal.db")
    env = portal_env(root, **extra)
    flask(env, "db", "upgrade")
    flask(env, "seed", "demo")
    port = free_port()
    process = start_gunicorn(env, port, root / "gunicorn.log", workers=4)
    base = f"http://127.0.0.1:{port}"
    try:
        yield base, engine, {"staff": Session(base, CENTRE_STAFF), "one": Session(base, COORDINATOR),
                             "two": Session(base, COORDINATOR)}
    finally:
        stop(process)
        engine.dispose()


def request_in(base, engine, status):
    """A request submitted through the public form, then put at the centre in `status`."""
    visitor = Visitor(base)
    token = visitor.submit(visitor.open_form("en"), lang="en")
    assert isinstance(token, str), f"submission got HTTP {token}"
    with engine.begin() as connection:
        centre = connection.scalar(select(Institution.id).where(Institution.slug == "center"))
        other = connection.scalar(select(Institution.id).where(Institution.slug == "bank-a"))
        request_id = connection.scalar(select(AssistanceRequest.id).where(AssistanceRequest.status_token == token))
        connection.execute(update(AssistanceRequest).where(AssistanceRequest.id == request_id).values(
            status=status, institution_id=None if status == "received" else centre))
        if status != "received":  # as a placement at the centre leaves it
            connection.execute(insert(RoutingDecision).values(request_id=request_id, institution_id=centre,
                                                              reason="concurrency test"))
    return request_id, other


def counts(engine, request_id):
    with engine.connect() as connection:
        events = dict(connection.execute(select(AuditEvent.action, func.count()).where(
            AuditEvent.request_id == request_id).group_by(AuditEvent.action)).all())
        outbox = connection.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.request_id == request_id))
        routings = connection.scalar(select(func.count()).select_from(RoutingDecision).where(
            RoutingDecision.request_id == request_id))
        status = connection.scalar(select(AssistanceRequest.status).where(AssistanceRequest.id == request_id))
    return events, outbox, routings, status


def fire_together(sessions_and_forms, path):
    barrier = threading.Barrier(len(sessions_and_forms))
    answers_ = [None] * len(sessions_and_forms)

    def run(index, session, fields):
        barrier.wait()
        answers_[index] = session.post(path, fields)

    threads = [threading.Thread(target=run, args=(i, s, f)) for i, (s, f) in enumerate(sessions_and_forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers_


@pytest.mark.parametrize(("status", "first", "second"), colliding_pairs())
def test_of_two_actions_at_once_exactly_one_applies(site, status, first, second):
    base, engine, sessions = site
    request_id, other = request_in(base, engine, status)
    first_by = sessions["staff"] if "staff" in workflow.ACTIONS[first].roles and status != "received" \
        else sessions["one"]
    forms = [(first_by, first_by.form_for(request_id, first, status, other)),
             (sessions["two"], sessions["two"].form_for(request_id, second, status, other))]
    events_before, outbox_before, routings_before, _ = counts(engine, request_id)
    results = fire_together(forms, f"/en/staff/requests/{request_id}")

    codes = [code for code, _ in results]
    assert sorted(codes) == [303, 409], codes
    loser_body = next(body for code, body in results if code == 409)
    assert CHANGED in loser_body
    winner = (first, second)[codes.index(303)]
    events, outbox, routings, final = counts(engine, request_id)
    added = {name: events.get(name, 0) - events_before.get(name, 0) for name in events}
    assert added.get(EVENT_OF[winner]) == 1, added
    assert sum(added.values()) == (2 if winner in ("decline", "reassign") else 1), added
    rerouted = winner in ("decline", "reassign")
    with engine.connect() as connection:
        waits = connection.scalar(select(AssistanceRequest.pending_move).where(
            AssistanceRequest.id == request_id)) is not None
    # A move to another kind of recipient waits for the requester's consent (one e-mail asks for
    # it); any other move places the request (the institution's notice and the requester's e-mail
    # naming it). Either way once, never twice.
    assert routings - routings_before == (1 if rerouted and not waits else 0)
    # Answering or closing asks the requester, once, to rate the handling (好差评).
    invited = 1 if winner in ("answer", "close", "close-unanswered") else 0
    assert outbox - outbox_before == ((1 if waits else 2) if rerouted else invited)
    assert final == (status if waits else workflow.ACTIONS[winner].to_status)
