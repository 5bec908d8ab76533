"""Events on PostgreSQL: fifty people register at once for twenty places (exactly twenty get one,
thirty wait, in the order the database decided), cancellations racing registrations never let
the count pass the capacity, and two worker loops sending the day-before reminders send each
once."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.events import service
from portal.events.models import EventRegistration
from portal.models import OutboxMessage
from tests.events_helpers import events_in, registration_fields
from tests.support import postgres
from tests.support.forms import csrf_token

SHANGHAI = ZoneInfo("Asia/Shanghai")
PEOPLE, PLACES = 50, 20


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory, postgres_url):
    postgres.empty_schema(postgres_url)
    instance = tmp_path_factory.mktemp("events-pg")
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": instance,
                      "SEARCH_INDEX_DIR": instance / "si", "DATABASE_URL": postgres_url,
                      "SITE_URL": "https://portal.example", "SUBMIT_RATE_LIMIT": "100000 per hour",
                      # Enough connections that the fifty requests really meet in the database.
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 10, "pool_pre_ping": True}})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def test_fifty_at_once_for_twenty_places(pg_app):
    with events_in(pg_app, ("rush", {"capacity": PLACES})):
        clients, tokens = [], []
        for _ in range(PEOPLE):  # each opens the form first, as a browser would
            client = pg_app.test_client()
            tokens.append(csrf_token(client.get("/zh/events/rush").get_data(as_text=True)))
            clients.append(client)
        start, statuses, errors = threading.Barrier(PEOPLE), [], []

        def person(number):
            try:
                start.wait()
                response = clients[number].post("/zh/events/rush", data={
                    "csrf_token": tokens[number], **registration_fields(email=f"rush{number}@example.com")})
                statuses.append(response.status_code)
            except Exception as error:  # reported below; a thread cannot fail the test itself
                errors.append(error)

        threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and statuses == [303] * PEOPLE
        with pg_app.app_context():
            rows = db.session.scalars(select(EventRegistration).where(EventRegistration.event_slug == "rush")).all()
            by_status = {status: [r for r in rows if r.status == status] for status in ("confirmed", "waiting")}
            assert len(by_status["confirmed"]) == PLACES and len(by_status["waiting"]) == PEOPLE - PLACES
            # The positions are one order: every confirmed one came before every waiting one.
            positions = sorted(r.position for r in rows)
            assert positions == list(range(1, PEOPLE + 1))
            assert max(r.position for r in by_status["confirmed"]) < min(r.position for r in by_status["waiting"])
            confirmations = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.purpose == "event-confirmed"))
            assert confirmations == PLACES

            # Ten cancellations racing ten new registrations: never more than the capacity, and
            # the first ten waiting move up in order.
            cancel_tokens = [r.token for r in by_status["confirmed"][:10]]
            first_waiting = sorted(by_status["waiting"], key=lambda r: r.position)[:10]
            expected_up = {r.id for r in first_waiting}

        go, errors = threading.Barrier(20), []

        def cancel(token):
            try:
                go.wait()
                with pg_app.app_context():
                    service.cancel(token, service.pages_by_lang("rush"))
            except Exception as error:
                errors.append(error)

        late_clients = [pg_app.test_client() for _ in range(10)]
        late_tokens = [csrf_token(c.get("/zh/events/rush").get_data(as_text=True)) for c in late_clients]

        def late(number):
            try:
                go.wait()
                late_clients[number].post("/zh/events/rush", data={
                    "csrf_token": late_tokens[number], **registration_fields(email=f"late{number}@example.com")})
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=cancel, args=(t,)) for t in cancel_tokens]
        threads += [threading.Thread(target=late, args=(n,)) for n in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with pg_app.app_context():
            rows = db.session.scalars(select(EventRegistration).where(EventRegistration.event_slug == "rush")).all()
            confirmed = [r for r in rows if r.status == "confirmed"]
            assert len(confirmed) == PLACES
            assert expected_up <= {r.id for r in confirmed}  # the first ten waiting, not the late ones
            assert not any(r.contact_key.startswith("late") for r in confirmed)
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.purpose == "event-promoted")) == 10


def test_two_workers_send_each_reminder_once(pg_app):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).astimezone(SHANGHAI)
    soon = {"capacity": 30, "starts": f"{tomorrow:%Y-%m-%d} 23:00", "ends": f"{tomorrow:%Y-%m-%d} 23:30",
            "registration_closes": f"{tomorrow:%Y-%m-%d} 22:00"}
    with events_in(pg_app, ("soon", soon)):
        client = pg_app.test_client()
        for number in range(25):
            html = client.get("/zh/events/soon").get_data(as_text=True)
            response = client.post("/zh/events/soon", data={"csrf_token": csrf_token(html),
                                                            **registration_fields(email=f"soon{number}@example.com")})
            assert response.status_code == 303
        start, counts, errors = threading.Barrier(2), [], []

        def worker():
            try:
                with pg_app.app_context():
                    start.wait()
                    counts.append(service.send_reminders(pg_app.extensions["catalog"]))
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and sum(counts) == 25
        with pg_app.app_context():
            sent = db.session.execute(select(OutboxMessage.recipient, func.count()).where(
                OutboxMessage.purpose == "event-reminder").group_by(OutboxMessage.recipient)).all()
            assert len(sent) == 25 and {count for _recipient, count in sent} == {1}
            assert service.send_reminders(pg_app.extensions["catalog"]) == 0
