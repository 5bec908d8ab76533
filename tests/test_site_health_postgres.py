"""Site health on PostgreSQL: two worker loops running the stale-column check and the reply-limit
escalation at the same moment e-mail once (the unique keys decide, not luck). Skipped, saying so,
where PostgreSQL does not answer."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.models import AssistanceRequest, OutboxMessage
from portal.sitehealth import service
from portal.sitehealth.models import ColumnNotice, ReplyEscalation
from tests.support import postgres
from tests.test_publishing_postgres import pg_app


@pytest.fixture()
def pg(tmp_path, postgres_url):
    postgres.empty_schema(postgres_url)
    app = pg_app(tmp_path / "a", postgres_url)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    yield app
    with app.app_context():
        db.engine.dispose()


def at_once(app, work, count=4):
    barrier, results = threading.Barrier(count), []

    def run():
        with app.app_context():
            barrier.wait()
            results.append(work())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_four_loops_at_once_send_one_stale_column_email(pg):
    with pg.app_context():
        latest = max(p.date for p in pg.extensions["catalog"] if p.kind == "alert" and p.lang == "zh")
    results = at_once(pg, lambda: service.notify_stale_columns(latest + timedelta(days=30)))
    assert sum(result.count("alert") for result in results) == 1
    with pg.app_context():
        assert db.session.scalar(select(func.count(ColumnNotice.id)).where(ColumnNotice.column == "alert")) == 1
        editors = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.purpose.like("column-alert-%")))
        assert editors >= 1 and editors == len(service._users_with_roles(("editor",)))


def test_four_loops_at_once_escalate_a_late_request_once(pg):
    with pg.app_context():
        received = datetime.now(UTC) - timedelta(days=20)
        db.session.add(AssistanceRequest(status_token="t" * 43, form_token="f" * 43, request_type="general", lang="zh",
                                         applicant_kind="enterprise", organisation="示例", contact_name="张三",
                                         phone="13800000000", email="a@example.com", county="wuyi", industry="rubber",
                                         description="演示", privacy_version="2026-12-01", status="assigned",
                                         created_at=received))
        db.session.commit()
    results = at_once(pg, service.escalate_replies)
    assert sorted(results) == [0, 0, 0, 1]
    with pg.app_context():
        assert db.session.scalar(select(func.count(ReplyEscalation.id))) == 1
