"""Rate limits with the embedded defaults count once per host, not once per gunicorn worker; a
per-process store with several workers is refused in production."""

import multiprocessing
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.config import ConfigError
from portal.limits import check_workers
from portal.limits_sqlite import HostSQLiteStorage
from tests.support import server as portal_server
from tests.support.net import free_port
from tests.support.visitor import Visitor

LOOKUPS = 80
TRACK_LIMIT = 10  # set for this test (PORTAL_TRACK_RATE_LIMIT)
TRACK_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')  # the tracking form's hand-written field


def test_five_workers_answer_exactly_the_configured_number_of_lookups(tmp_path):
    # The limit named here (the default is looser since tracking is locked per number).
    env = portal_server.portal_env(tmp_path / "instance", PORTAL_TRACK_RATE_LIMIT=f"{TRACK_LIMIT} per minute")
    portal_server.flask(env, "db", "upgrade")
    port = free_port()
    server = portal_server.start_gunicorn(env, port, tmp_path / "gunicorn.log", workers=5)
    try:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        html = visitor.opener.open(f"{visitor.base}/zh/requests/track", timeout=30).read().decode()
        fields = {"csrf_token": TRACK_CSRF.search(html)[1], "number": "HS2026-000001", "digits": "000000"}
        # Ten at a time: concurrent connections are accepted by different workers.
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(lambda _: visitor.post("/zh/requests/track", fields)[0], range(LOOKUPS)))
    finally:
        portal_server.stop(server)
    assert sorted(set(statuses)) == [404, 429]
    assert statuses.count(404) == TRACK_LIMIT


def test_a_restart_keeps_the_window_and_an_expired_window_starts_again(tmp_path):
    uri = f"portal-sqlite://{tmp_path / 'ratelimits.sqlite'}"
    first = HostSQLiteStorage(uri)
    assert [first.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    again = HostSQLiteStorage(uri)  # a restarted server: a new process, the same file
    assert again.get("k") == 3 and again.incr("k", 60) == 4
    assert again.get_expiry("k") > again.get_expiry("other")
    assert again.incr("short", 0) == 1 and again.incr("short", 60) == 1  # expired: a new window
    again.clear("k")
    assert again.get("k") == 0 and again.check()
    assert again.reset() == 1


def _hit(storage, times):
    for _ in range(times):
        storage.incr("tracking/127.0.0.1", 60)


def test_forked_processes_count_together_exactly(tmp_path):
    storage = HostSQLiteStorage(f"portal-sqlite://{tmp_path / 'ratelimits.sqlite'}")
    storage.incr("tracking/127.0.0.1", 60)  # the parent's connection, open before the fork as in gunicorn
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_hit, args=(storage, 50)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert storage.get("tracking/127.0.0.1") == 1 + 4 * 50


@pytest.mark.parametrize(("env", "uri", "workers", "refused"), [
    ("production", "memory://", 5, True),
    ("production", "memory://", 1, False),
    ("production", "portal-sqlite:///srv/portal/ratelimits.sqlite", 5, False),
    ("production", "redis://127.0.0.1:6379/0", 5, False),
    ("development", "memory://", 5, False),  # said in the log only
    ("testing", "memory://", 5, False),
])
def test_a_per_process_store_with_several_workers_is_refused_in_production(env, uri, workers, refused):
    config = {"PORTAL_ENV": env, "RATELIMIT_STORAGE_URI": uri}
    if refused:
        with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI=memory:// counts in each of the 5 workers"):
            check_workers(config, workers)
    else:
        check_workers(config, workers)


def test_gunicorn_refuses_memory_storage_with_five_workers_in_production(tmp_path):
    env = portal_server.portal_env(tmp_path / "instance", PORTAL_ENV="production", SECRET_KEY="s" * 40,
                                   PORTAL_SITE_URL="https://portal.example", RATELIMIT_STORAGE_URI="memory://")
    log = tmp_path / "gunicorn.log"
    server = portal_server.start_gunicorn(env, free_port(), log, workers=5, wait=False)
    try:
        assert server.wait(timeout=60) == 1
    finally:
        portal_server.stop(server)
    text = log.read_text()
    assert "Error: RATELIMIT_STORAGE_URI=memory:// counts in each of the 5 workers" in text
    assert "Booting worker" not in text


def test_the_counter_file_turns_to_wal_even_while_another_process_holds_it(tmp_path):
    # "database is locked" came back at once from the journal-mode change while another gunicorn
    # worker opened the same file; the store tries again instead of failing the request.
    import sqlite3
    import threading

    from portal.limits_sqlite import _use_wal

    path = tmp_path / "limits.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.2, lambda: holder.execute("COMMIT")).start()
    opener = sqlite3.connect(path, timeout=0, isolation_level=None)  # no busy wait: fails at once if locked
    _use_wal(opener)
    assert opener.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
