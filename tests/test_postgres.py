"""The same submission path on PostgreSQL (this run's own database, tests/support/postgres.py), with
concurrent clients.

Runs wherever that server answers (this machine and CI start it); skipped, saying so, elsewhere.
"""

import threading

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import AssistanceRequest, OutboxMessage
from tests.conftest import submit
from tests.support import postgres

pytestmark = pytest.mark.skipif(not postgres.available(), reason=postgres.UNAVAILABLE)


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory, postgres_url):
    postgres.empty_schema(postgres_url)  # a clean schema for this module
    instance = tmp_path_factory.mktemp("pg")
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": instance,
                      "SEARCH_INDEX_DIR": instance / "si", "DATABASE_URL": postgres_url,
                      "SUBMIT_RATE_LIMIT": "10000 per hour"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def test_concurrent_submissions_get_unique_numbers_and_their_messages(pg_app):
    errors, statuses = [], []

    def client_thread(count):
        client = pg_app.test_client()
        try:
            for _ in range(count):
                statuses.append(submit(client, "zh", "general", county="jizhou").status_code)
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=client_thread, args=(10,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [303] * 60
    with pg_app.app_context():
        numbers = db.session.scalars(select(AssistanceRequest.tracking_number)).all()
        assert len(numbers) == len(set(numbers)) == 60
        per_request = db.session.execute(select(OutboxMessage.request_id, func.count())
                                         .group_by(OutboxMessage.request_id)).all()
        assert len(per_request) == 60 and {count for _id, count in per_request} == {2}


def test_this_run_has_a_database_of_its_own(postgres_url):
    from sqlalchemy import create_engine, make_url, text

    from tests.support.postgres import SERVER_URL, throwaway_database

    def databases():
        engine = create_engine(SERVER_URL.set(drivername="postgresql+psycopg"))
        with engine.connect() as connection:
            names = set(connection.execute(text("SELECT datname FROM pg_database")).scalars())
        engine.dispose()
        return names

    name = make_url(postgres_url).database
    assert name.startswith("portal_test_") and name != "test" and name in databases()
    with throwaway_database() as other:  # another run's: a different name, gone after
        assert make_url(other).database != name and make_url(other).database in databases()
    assert make_url(other).database not in databases()


def test_two_outbox_workers_send_each_sms_exactly_once(pg_app):
    """Two workers at once against the same outbox: rows are claimed one at a time with FOR UPDATE
    SKIP LOCKED, so the provider (a signature-checking stand-in) gets every SMS once."""
    from portal.notify.outbox import send_pending_sms
    from portal.notify.sms import AliyunSms
    from tests.sms_providers import KEY_ID, KEY_SECRET, FakeProvider

    client = pg_app.test_client()
    for n in range(40):
        assert submit(client, "zh", "general", phone=f"139{n:08d}", sms_consent="y").status_code == 303
    with pg_app.app_context():
        queued = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.channel == "sms", OutboxMessage.status == "pending"))
    assert queued == 40
    errors, passes = [], []
    with FakeProvider("aliyun") as provider:
        def worker():
            channel = AliyunSms(KEY_ID, KEY_SECRET, "衡水知识产权", provider.endpoint)
            codes = {"received": "SMS_1"}
            try:
                with pg_app.app_context():
                    while True:
                        sent, not_sent = send_pending_sms(channel, codes, 1000)
                        passes.append(sent)
                        if sent + not_sent == 0:
                            break
            except Exception as error:  # reported below; a thread cannot fail the test itself
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [] and provider.rejected == []
    out_ids = [message["out_id"] for message in provider.received]
    assert len(out_ids) == len(set(out_ids)) == 40 == sum(passes)
    with pg_app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.channel == "sms")).all()
    assert statuses == ["sent"] * 40


def test_two_coordinators_recording_the_same_12345_ticket_at_once_make_one_case(pg_app):
    """Both check that the ticket number is new, both insert; the unique ticket number lets one
    commit and gives the other a DuplicateTicket naming the case that exists."""
    from portal.hotline import service as hotline
    from portal.models import HotlineTicket

    barrier, outcomes, errors = threading.Barrier(4), [], []
    values = {"request_type": "general", "contact_name": "王先生（演示）", "phone": "13900001234",
              "organisation": "", "county": "", "industry": "other", "description": "来电咨询商标被抢注怎么办。"}

    def coordinator():
        try:
            with pg_app.test_request_context("/zh/staff/hotline/new"):
                barrier.wait()
                try:
                    outcomes.append(hotline.record(dict(values), ticket_number="HS12345-0001", actor_label="user:2",
                                                   lang="zh", privacy_version="test", site_url="https://p.example")
                                    .tracking_number)
                except hotline.DuplicateTicket as duplicate:
                    outcomes.append(("duplicate", duplicate.tracking_number))
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=coordinator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    created = [o for o in outcomes if isinstance(o, str)]
    assert len(created) == 1 and sorted(outcomes, key=str)[:3] == [("duplicate", created[0])] * 3
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HotlineTicket)) == 1
        assert db.session.scalar(select(func.count()).select_from(AssistanceRequest)
                                 .where(AssistanceRequest.contact_name == "王先生（演示）")) == 1
