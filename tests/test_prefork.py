"""What gunicorn's master does before forking (portal/prefork.py): the common pages are served, and
nothing of it stays behind that a worker could trip over."""

import logging

from sqlalchemy import func, select

from portal import prefork
from portal.db import db
from portal.limits import limiter
from portal.models import AssistanceRequest, OutboxMessage
from tests.conftest import submit


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(AssistanceRequest)),
                db.session.scalar(select(func.count()).select_from(OutboxMessage)))


def test_the_common_pages_are_served_and_nothing_is_saved_or_left_open(app, search_index, monkeypatch):
    answers = []
    real_client = app.test_client

    class Watching:
        def __init__(self):
            self.client = real_client()

        def get(self, *args, **kwargs):
            response = self.client.get(*args, **kwargs)
            answers.append((args[0], response.status_code, ""))
            return response

        def post(self, *args, **kwargs):
            response = self.client.post(*args, **kwargs)
            answers.append((args[0], response.status_code, response.get_data(as_text=True)))
            return response

    monkeypatch.setattr(app, "test_client", Watching)
    before = _counts(app)
    prefork.prepare(app)
    assert answers and all(status == 200 for _path, status, _body in answers), [a[:2] for a in answers if a[1] != 200]
    paths = {path for path, _status, _body in answers}
    assert {"/zh/", "/en/", "/zh/search", "/en/search"} <= paths
    for lang in ("zh", "en"):
        assert any(path.startswith(f"/{lang}/guides/") for path in paths)
    checks = [body for path, _status, body in answers if body]
    assert checks and all('value="send"' in body for body in checks)  # the check page itself was reached
    assert _counts(app) == before  # the check page saves nothing, and Send is never pressed
    assert limiter.enabled
    assert app.extensions["search"]._open is None  # the master's searcher is closed before the fork


def test_the_warm_up_counts_against_no_ones_rate_limit(app, search_index, monkeypatch):
    # Two POSTs an hour: one submission (its check page and its Send). The warm-up posts six check
    # pages from the same address as the test client; counted, they would leave nothing.
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", f"prefork-{id(app)}")  # counts of its own
    prefork.prepare(app)
    client = app.test_client()
    assert submit(client, "zh", "general").status_code == 303
    assert submit(client, "zh", "general").status_code == 429  # the limit itself is in force


def test_another_app_under_the_same_gunicorn_conf_is_left_alone():
    # bench/bare_app.py, the benchmarks' baseline, runs with the portal's gunicorn.conf.py.
    from flask import Flask

    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    prefork.prepare(bare)
    assert bare.test_client().get("/").get_data(as_text=True) == "hello"


def test_an_instance_without_tables_or_index_starts_quietly(tmp_path, caplog):
    from portal import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"})
    with caplog.at_level("INFO"):
        prefork.prepare(app)
    assert not [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]
    assert logging.getLogger("portal").isEnabledFor(logging.ERROR)  # logging is back on afterwards
