"""Faults the portal survives, each with real processes and real failures.

SMTP down and back: tests/test_outbox.py::test_smtp_down_then_back_delivers_everything_once.
A search index that is missing: tests/test_search.py::test_unavailable_index_says_so_and_the_site_carries_on
(a corrupt one is here too).
"""

import http.client
import io
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import AssistanceRequest, Attachment, OutboxMessage
from portal.search.indexer import CURRENT
from tests.conftest import front_matter, submit
from tests.support import postgres
from tests.support.net import free_port
from tests.support.proxy import TCPProxy
from tests.support.server import flask, portal_env, start_gunicorn, stop, worker_pids
from tests.support.visitor import Visitor

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (AssistanceRequest, Attachment, OutboxMessage))


# --- a gunicorn worker killed mid-burst --------------------------------------------------------

# What a client sees when the worker answering it dies: a reset or refused connection, or an
# answer cut off after its headers (IncompleteRead, an HTTPException rather than an OSError).
CUT_OFF = (OSError, http.client.HTTPException)


def test_worker_killed_during_a_burst_loses_no_acknowledged_submission(tmp_path, seeded_instance):
    seeded_instance(tmp_path)  # migrated, with the demo data
    env = portal_env(tmp_path, PORTAL_SUBMIT_RATE_LIMIT="100000 per hour")
    port = free_port()
    master = start_gunicorn(env, port, tmp_path / "gunicorn.log", workers=3)
    acknowledged, failures, stop_at = [], [], time.monotonic() + 8

    def visitor_loop():
        visitor = Visitor(f"http://127.0.0.1:{port}")
        while time.monotonic() < stop_at:
            try:
                fields = visitor.open_form()
            except CUT_OFF:
                continue  # the worker serving the form was killed: open it again, as a person would
            for _attempt in range(3):  # a reset connection: the browser's "send again", same form
                try:
                    outcome = visitor.submit(fields)
                except CUT_OFF as error:
                    failures.append(type(error).__name__)
                    continue
                if isinstance(outcome, str):
                    acknowledged.append(outcome)
                break

    try:
        threads = [threading.Thread(target=visitor_loop) for _ in range(6)]
        for thread in threads:
            thread.start()
        killed = []
        for _round in range(3):
            time.sleep(2)
            victim = worker_pids(master.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        for thread in threads:
            thread.join()
    finally:
        stop(master)
    assert len(killed) == 3 and len(acknowledged) > 20
    app = create_app({"INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "search_index"})
    with app.app_context():
        rows = dict(db.session.execute(select(AssistanceRequest.status_token, func.count())
                                       .group_by(AssistanceRequest.status_token)).all())
        messages = dict(db.session.execute(select(OutboxMessage.request_id, func.count())
                                           .group_by(OutboxMessage.request_id)).all())
        ids = dict(db.session.execute(select(AssistanceRequest.status_token, AssistanceRequest.id)).all())
        db.engine.dispose()
    assert len(acknowledged) == len(set(acknowledged))
    assert all(rows.get(token) == 1 for token in acknowledged)  # every 303 stored, exactly once
    assert all(messages.get(ids[token]) == 2 for token in acknowledged)  # with both its e-mails
    # A submission whose worker died after the commit but before answering is stored without a
    # 303; the browser's resend of the same form found it instead of saving a second request.
    assert len(rows) <= len(acknowledged) + len(failures)


# --- the database unreachable, then back ---------------------------------------------------------

def test_database_unreachable_is_a_503_in_the_users_language_then_recovers(tmp_path, postgres_url):
    postgres.empty_schema(postgres_url)
    proxy = TCPProxy(postgres.PORT, target_host=postgres.HOST).start()
    database = postgres.via_port(postgres_url, proxy.port)
    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "CONTENT_DIR": ROOT / "content",
                      "SEARCH_INDEX_DIR": tmp_path / "si", "DATABASE_URL": database,
                      "SUBMIT_RATE_LIMIT": "10000 per hour", "UPLOAD_DIR": tmp_path / "uploads"})
    try:
        runner = app.test_cli_runner()
        for command in (["db", "upgrade"], ["seed", "demo"]):
            assert runner.invoke(args=command).exit_code == 0
        client = app.test_client()
        assert submit(client, "zh", "general").status_code == 303
        before = counts(app)

        proxy.stop()  # the database host is gone: every pooled connection is cut
        for lang, words in (("zh", "暂时无法使用"), ("en", "briefly unavailable")):
            response = submit(client, lang, "general", files=[(io.BytesIO(PDF), "证明.pdf")])
            html = response.get_data(as_text=True)
            assert response.status_code == 503 and words in html
            incident = html.split("事件编号 " if lang == "zh" else "incident number ")[1][:8]
            assert all(ch in "0123456789abcdef" for ch in incident) and len(incident) == 8
            assert "psycopg" not in html and "OperationalError" not in html and f":{proxy.port}" not in html
        track = client.get("/en/requests/status/" + "x" * 43)
        assert track.status_code == 503
        assert client.get("/en/guides/trademark-registration").status_code == 200  # content needs no database
        assert list((tmp_path / "uploads").glob("*")) == []  # no orphan attachment file

        proxy.start()  # back, on the same address: no restart of the app
        assert counts(app) == before  # nothing was half-saved while it was away
        response = submit(client, "en", "general", files=[(io.BytesIO(PDF), "proof.pdf")])
        assert response.status_code == 303
        assert client.get(response.headers["Location"]).status_code == 200
        assert counts(app) == (before[0] + 1, before[1] + 1, before[2] + 2)
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()


# --- upload storage full or read-only ----------------------------------------------------------

@pytest.fixture()
def small_disk(tmp_path):
    """A 128 KB tmpfs as the upload folder (mounting needs root; skipped elsewhere)."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): " + mounted.stderr.decode().strip())
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture()
def storage_app(tmp_path, small_disk):
    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "CONTENT_DIR": ROOT / "content",
                      "SEARCH_INDEX_DIR": tmp_path / "si", "UPLOAD_DIR": small_disk,
                      "SUBMIT_RATE_LIMIT": "10000 per hour"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    return app


def test_full_upload_storage_is_a_clear_error_and_saves_nothing(storage_app, small_disk):
    client = storage_app.test_client()
    small = b"%PDF-1.4\n" + b"1" * 10_000 + b"\n%%EOF\n"
    # the first file fits, the second fills the disk mid-write: both must go, with the request
    response = submit(client, "en", "general", files=[(io.BytesIO(small), "a.pdf"), (io.BytesIO(PDF), "b.pdf")],
                      organisation="Storage Full Test Ltd")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "could not be stored just now, so nothing was saved" in html
    assert "Storage Full Test Ltd" in html  # what was typed is kept in the form
    assert counts(storage_app) == (0, 0, 0)
    assert list(small_disk.glob("*")) == []
    zh = submit(client, "zh", "general", files=[(io.BytesIO(PDF), "b.pdf")])
    assert zh.status_code == 503 and "什么也没有保存" in zh.get_data(as_text=True)
    assert submit(client, "en", "general").status_code == 303  # without attachments it goes through


def test_read_only_upload_storage_is_a_clear_error_and_saves_nothing(storage_app, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    client = storage_app.test_client()
    response = submit(client, "en", "general", files=[(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")])
    assert response.status_code == 503
    assert "could not be stored just now" in response.get_data(as_text=True)
    assert counts(storage_app) == (0, 0, 0)
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert submit(client, "en", "general", files=[(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")]).status_code == 303
    assert counts(storage_app) == (1, 1, 2)


# --- a corrupt search index ----------------------------------------------------------------------

def test_corrupt_search_index_says_unavailable_and_the_site_works(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "CONTENT_DIR": ROOT / "content",
                      "SEARCH_INDEX_DIR": tmp_path / "si"})
    assert app.test_cli_runner().invoke(args=["search", "build"]).exit_code == 0
    build = tmp_path / "si" / os.readlink(tmp_path / "si" / CURRENT)
    for path in build.iterdir():  # every file overwritten with garbage, as a bad copy would leave it
        path.write_bytes(b"\x00garbage" * 10)
    client = app.test_client()
    for lang, words in (("zh", "搜索暂时不可用"), ("en", "Search is not available")):
        response = client.get(f"/{lang}/search?q=trademark")
        assert response.status_code == 503 and words in response.get_data(as_text=True)
    assert client.get("/zh/").status_code == 200
    assert client.get("/en/guides/trademark-registration").status_code == 200
    assert client.get("/en/requests/new?type=general").status_code == 200


# --- bad content at startup ----------------------------------------------------------------------

def test_bad_front_matter_stops_the_server_naming_the_file(tmp_path, guide_pair):
    content = tmp_path / "content"
    for name, body in {**guide_pair, "guides/broken.en.md": front_matter(updated="2026-13-45") + "Text.\n"}.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(body, encoding="utf-8")
    env = portal_env(tmp_path / "instance", PORTAL_CONTENT_DIR=content, PORT=free_port(), WEB_CONCURRENCY=1)
    started = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=60, check=False)
    assert started.returncode != 0
    assert "guides/broken.en.md" in started.stdout + started.stderr
    assert "updated" in started.stdout + started.stderr
    command = flask(env, "routes", check=False)  # any command: the app itself refuses to load
    assert command.returncode != 0 and "guides/broken.en.md" in command.stderr
