"""The outbox: .eml files by default, a real SMTP server on loopback, and SMTP being down."""

import email
from datetime import UTC, datetime, timedelta
from email import policy

from sqlalchemy import select

from portal.db import db
from portal.models import OutboxMessage
from portal.notify.outbox import MAX_ATTEMPTS, FileTransport, SMTPTransport, send_pending
from tests.conftest import submit
from tests.support.net import free_port

SENDER = "portal@portal.invalid"


def pending(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()


def body_of(message):
    return message.get_content()


def test_messages_are_written_as_eml_files_without_smtp(app, client, tmp_path):
    submit(client, "zh", "general")
    with app.app_context():
        sent, failed = send_pending(FileTransport(tmp_path), SENDER)
    assert (sent, failed) == (2, 0)
    files = sorted(tmp_path.glob("*.eml"))
    assert [f.name.split("-", 1)[1] for f in files] == ["institution-notice.eml", "acknowledgement.eml"]
    acknowledgement = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert "已收到" in acknowledgement["Subject"] and "HS" in body_of(acknowledgement)
    with app.app_context():
        assert send_pending(FileTransport(tmp_path), SENDER) == (0, 0)  # nothing is sent twice


def test_delivery_through_a_real_smtp_server(app, client, smtp_server):
    controller, inbox = smtp_server
    submit(client, "en", "pledge-financing")
    with app.app_context():
        assert send_pending(SMTPTransport(controller.hostname, controller.port), SENDER) == (2, 0)
        assert send_pending(SMTPTransport(controller.hostname, controller.port), SENDER) == (0, 0)
    assert sorted(m["To"] for m in inbox.messages)[1] == "zhang@example.com"
    acknowledgement = next(m for m in inbox.messages if m["To"] == "zhang@example.com")
    assert "has been received" in acknowledgement["Subject"]
    assert "https://portal.example/en/requests/status/" in body_of(acknowledgement)
    notice = next(m for m in inbox.messages if m["To"] != "zhang@example.com")
    assert notice["To"].endswith("@demo.invalid")
    assert "13803181234" not in body_of(notice)  # the notice carries no personal data


def test_smtp_down_then_back_delivers_everything_once(app, client, smtp_server):
    controller, inbox = smtp_server
    down = SMTPTransport("127.0.0.1", free_port(), timeout=2)  # nothing listens there
    assert submit(client, "zh", "general").status_code == 303  # the user is not affected
    with app.app_context():
        assert send_pending(down, SENDER) == (0, 2)
    waiting = pending(app)
    assert len(waiting) == 2 and all(m.attempts == 1 and m.last_error for m in waiting)
    with app.app_context():
        assert send_pending(down, SENDER) == (0, 0)  # backing off: not due yet
        later = datetime.now(UTC) + timedelta(minutes=5)
        assert send_pending(SMTPTransport(controller.hostname, controller.port), SENDER, now=later) == (2, 0)
    assert len(inbox.messages) == 2 and pending(app) == []


def test_a_message_that_keeps_failing_is_given_up_after_max_attempts(app, client):
    submit(client, "en", "general")
    down = SMTPTransport("127.0.0.1", free_port(), timeout=2)
    moment = datetime.now(UTC)
    with app.app_context():
        for _attempt in range(MAX_ATTEMPTS):
            moment += timedelta(hours=2)
            send_pending(down, SENDER, now=moment)
        statuses = {m.status for m in db.session.scalars(select(OutboxMessage))}
    assert statuses == {"failed"}


def test_outbox_commands(app, client, runner, tmp_path):
    submit(client, "zh", "general")
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "2 sent" in result.output
    assert len(list((app.config["INSTANCE_DIR"] / "mail").glob("*.eml"))) >= 2
