"""`flask backup` then `flask restore` into an empty database: every request, attachment record
and attachment file comes back. SQLite always; PostgreSQL where it answers (this run's database
is the source, a second throwaway database the empty target)."""

import io

import pytest
from sqlalchemy import select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import AssistanceRequest, Attachment, OutboxMessage
from tests.conftest import submit
from tests.support import postgres

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def make_app(instance, database=""):
    return create_app({"TESTING": True, "INSTANCE_DIR": instance, "CONTENT_DIR": ROOT / "content",
                       "SEARCH_INDEX_DIR": instance / "si", "UPLOAD_DIR": instance / "uploads",
                       "DATABASE_URL": database, "SUBMIT_RATE_LIMIT": "10000 per hour"})


def snapshot(app):
    with app.app_context():
        requests = sorted((r.tracking_number, r.organisation, r.status) for r in db.session.scalars(
            select(AssistanceRequest)))
        attachments = sorted((a.request.tracking_number, a.original_name, a.size,
                              (app.config["UPLOAD_DIR"] / a.stored_name).read_bytes())
                             for a in db.session.scalars(select(Attachment)))
        messages = len(db.session.scalars(select(OutboxMessage)).all())
    return requests, attachments, messages


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    if request.param == "sqlite":
        yield "", ""
        return
    source = request.getfixturevalue("postgres_url")  # skips when PostgreSQL is not there
    postgres.empty_schema(source)
    with postgres.throwaway_database("portal_test_restore") as target:
        yield source, target


def test_backup_then_restore_into_an_empty_database(tmp_path, databases):
    source_url, target_url = databases
    source = make_app(tmp_path / "source", source_url)
    runner = source.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    client = source.test_client()
    for number in range(3):
        files = [(io.BytesIO(PNG + bytes([number, copy])), f"证据{number}.png") for copy in range(number + 1)]
        assert submit(client, "zh", "rights-protection", files=files,
                      organisation=f"备份测试公司{number}😀").status_code == 303
    before = snapshot(source)
    assert len(before[0]) == 3 and len(before[1]) == 6

    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 requests, 6 attachments, 6 files" in result.output

    target = make_app(tmp_path / "target", target_url)  # a new host: empty database, no upload folder
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == before
    # the restored portal keeps numbering after the restored requests, never reusing one
    assert submit(target.test_client(), "en", "general").status_code == 303
    with target.app_context():
        numbers = db.session.scalars(select(AssistanceRequest.tracking_number)).all()
    assert len(set(numbers)) == 4

    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "empty database" in again.output  # never over live data
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()
