"""Two app servers, one PostgreSQL database, one Redis: the scale-out layout of docs/deploy.md.

Two gunicorn instances on different ports take submissions at the same time; tracking numbers
stay unique, nothing is lost, rate limits are counted across both, and two `flask outbox worker`
processes running at once deliver every message exactly once to a real SMTP server on loopback.
Runs where PostgreSQL (5432) and Redis (6379) answer on 127.0.0.1; skipped, saying so, elsewhere.
"""

import asyncio
import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select

from portal.config import ROOT
from portal.db import database_url
from portal.models import AssistanceRequest, OutboxMessage
from tests.support import postgres
from tests.support.net import answers, free_port
from tests.support.server import flask_here, portal_env, start_gunicorn, stop, wait_for
from tests.support.visitor import Visitor

pytestmark = pytest.mark.skipif(not (postgres.available() and answers(6379)),
                                reason=f"needs PostgreSQL ({postgres.HOST}:{postgres.PORT}) and Redis (6379)")
PER_VISITOR, VISITORS_PER_HOST, TRACK_LIMIT = 8, 4, 6


class Inbox:
    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.005)  # a little delivery time, so the two workers overlap
        found = re.search(rb"Message-ID: <[^>]*outbox-(\d+)", envelope.content)
        self.message_ids.append(int(found[1]) if found else None)
        return "250 OK"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_url):
    root = tmp_path_factory.mktemp("cluster")
    postgres.empty_schema(postgres_url)
    engine = create_engine(database_url({"DATABASE_URL": postgres_url}))
    shared = {"DATABASE_URL": postgres_url, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
              "PORTAL_RATELIMIT_KEY_PREFIX": f"test-two-instances-{uuid.uuid4().hex}",
              "PORTAL_SUBMIT_RATE_LIMIT": "100000 per hour", "PORTAL_TRACK_RATE_LIMIT": f"{TRACK_LIMIT} per minute",
              "PORTAL_UPLOAD_DIR": root / "shared-uploads", "PORTAL_SITE_URL": "https://portal.example",
              # One key for both hosts, as docs/deploy.md requires: each would otherwise make its own.
              "SECRET_KEY": uuid.uuid4().hex * 2}
    hosts, processes = [], []
    for name in ("a", "b"):
        env = portal_env(root / name, **shared)
        if name == "a":  # the release step, once: schema and demo data
            flask_here(env, "db", "upgrade")
            flask_here(env, "seed", "demo")
        port = free_port()
        processes.append(start_gunicorn(env, port, root / f"{name}.log", workers=2, wait=False))
        hosts.append((f"http://127.0.0.1:{port}", env))
    for (base, _env), process, name in zip(hosts, processes, "ab", strict=True):  # both start at once
        wait_for(f"{base}/healthz", process, root / f"{name}.log")
    yield hosts, engine
    for process in processes:
        stop(process)
    engine.dispose()


def test_submissions_through_both_instances_are_all_stored_with_unique_numbers(cluster):
    hosts, engine = cluster
    acknowledged, problems = [], []

    def visitor_loop(base):
        visitor = Visitor(base)
        for _ in range(PER_VISITOR):
            outcome = visitor.submit(visitor.open_form())
            (acknowledged if isinstance(outcome, str) else problems).append(outcome)

    threads = [threading.Thread(target=visitor_loop, args=(base,)) for base, _env in hosts
               for _ in range(VISITORS_PER_HOST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = len(hosts) * VISITORS_PER_HOST * PER_VISITOR
    assert problems == [] and len(acknowledged) == expected
    with engine.connect() as connection:
        rows = connection.execute(select(AssistanceRequest.status_token, AssistanceRequest.tracking_number)).all()
        per_request = dict(connection.execute(select(OutboxMessage.request_id, func.count())
                                              .group_by(OutboxMessage.request_id)).all())
    assert sorted(token for token, _number in rows) == sorted(acknowledged)  # nothing lost, nothing extra
    numbers = [number for _token, number in rows]
    assert len(set(numbers)) == len(numbers) == expected
    assert len(per_request) == expected and set(per_request.values()) == {2}


def test_rate_limits_are_counted_across_both_instances(cluster):
    hosts, _engine = cluster
    visitors = [Visitor(base) for base, _env in hosts]
    fields = visitors[0].open_form()
    track = {"csrf_token": fields["csrf_token"], "number": "HS2026-999999", "digits": "0000"}
    # the same browser (cookie) alternates between the hosts, as a load balancer would send it
    statuses = []
    for attempt in range(TRACK_LIMIT + 2):
        host = hosts[attempt % 2][0]
        visitor = Visitor(host)
        visitor.opener = visitors[0].opener
        statuses.append(visitor.post("/en/requests/track", track)[0])
    assert statuses[:TRACK_LIMIT] == [404] * TRACK_LIMIT  # not found (the same answer as a wrong phone)
    assert statuses[TRACK_LIMIT:] == [429, 429]  # one count, whichever host answered


def test_two_outbox_workers_send_every_message_exactly_once(cluster):
    hosts, engine = cluster
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    workers = []
    try:
        for _base, env in hosts:
            env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port)}
            workers.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "worker",
                                             "--interval", "0.2"], cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 90
        with engine.connect() as connection:
            while connection.execute(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.status == "pending")).scalar() and \
                    time.monotonic() < deadline:
                connection.commit()
                time.sleep(0.3)
        time.sleep(1)  # a duplicate, if there were one, would arrive now
    finally:
        for worker in workers:
            stop(worker)
        controller.stop()
    with engine.connect() as connection:
        ids = sorted(connection.execute(select(OutboxMessage.id)).scalars())
        statuses = set(connection.execute(select(OutboxMessage.status)).scalars())
    assert statuses == {"sent"}
    assert sorted(inbox.message_ids) == ids  # each message once: none missing, none twice
