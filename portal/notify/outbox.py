"""Delivering the outbox: SMTP when configured, otherwise .eml files under instance/mail/.

A message row is written in the same transaction as the change it reports; delivery happens
later, so a slow or absent mail server never slows or fails a submission. Rows are claimed
with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has a single writer anyway), so any number of
workers can run; a failed send is retried with exponential backoff and marked failed after
MAX_ATTEMPTS.
"""

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy import select

from portal.db import db
from portal.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BATCH = 50


def build_email(message, sender):
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    return email


class FileTransport:
    """Writes each e-mail as an .eml file: the embedded default, readable by any mail program."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def send(self, email, message):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{message.id:08d}-{message.purpose}.eml").write_bytes(bytes(email))


class SMTPTransport:
    def __init__(self, host, port, username=None, password=None, use_tls=False, timeout=10):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(self, email, message):
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(email)


def transport_from_config(config):
    if config.get("MAIL_SERVER"):
        return SMTPTransport(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), config.get("MAIL_USERNAME"),
                             config.get("MAIL_PASSWORD"), config.get("MAIL_USE_TLS") in (True, "1", "true"))
    return FileTransport(Path(config["INSTANCE_DIR"]) / "mail")


def backoff(attempts):
    return timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))


def send_pending(transport, sender, now=None):
    """One pass: claim due messages, send each, record the outcome. Returns (sent, failed)."""
    now = now or datetime.now(UTC)
    sent = failed = 0
    claim = (select(OutboxMessage).where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(BATCH).with_for_update(skip_locked=True))
    for message in db.session.scalars(claim).all():
        try:
            transport.send(build_email(message, sender), message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
                log.error("outbox message %s failed %s times; giving up", message.id, message.attempts)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
            failed += 1
        else:
            message.status, message.sent_at = "sent", now
            message.attempts += 1
            sent += 1
    db.session.commit()  # releases the claimed rows
    return sent, failed
