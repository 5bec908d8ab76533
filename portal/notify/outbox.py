"""Delivering the outbox: e-mail by SMTP when configured, otherwise .eml files under
instance/mail/; SMS through the configured channel (portal/notify/sms.py).

A message row is written in the same transaction as the change it reports; delivery happens
later, so a slow or absent mail server never slows or fails a submission. Rows are claimed
with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has a single writer anyway), so any number of
workers can run; a failed send is retried with exponential backoff and marked failed after
MAX_ATTEMPTS.

SMS rows are claimed one at a time and committed after each send: a commit releases every row
lock the transaction holds, so a batch claimed together could be taken by a second worker after
the first message's commit and sent twice. The per-number daily cap is a counter row raised by a
conditional UPDATE in the same transaction (PostgreSQL holds that row's lock until the commit, so
two workers never both take the last place).
"""

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy import select, text, update

from portal import sla
from portal.db import db
from portal.models import OutboxMessage, SmsDailyCount
from portal.notify.sms import SmsFailed, SmsRefused

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
    for message in db.session.scalars(_due("email", now).limit(BATCH)).all():
        try:
            transport.send(build_email(message, sender), message)
        except (OSError, smtplib.SMTPException) as error:
            _failed(message, f"{type(error).__name__}: {error}", now)
            failed += 1
        else:
            message.status, message.sent_at = "sent", now
            message.attempts += 1
            sent += 1
    db.session.commit()  # releases the claimed rows
    return sent, failed


def _due(channel, now):
    return (select(OutboxMessage)
            .where(OutboxMessage.channel == channel, OutboxMessage.status == "pending",
                   OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id).with_for_update(skip_locked=True))


def _failed(message, reason, now):
    message.attempts += 1
    message.last_error = reason[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
        log.error("outbox message %s failed %s times; giving up", message.id, message.attempts)
    else:
        message.next_attempt_at = now + backoff(message.attempts)


def send_pending_sms(channel, codes, daily_cap, now=None):
    """One pass over due SMS, one claimed row per transaction. `codes` maps a template name to the
    provider's template code (the file channel uses the name). Returns (sent, not sent)."""
    now = now or datetime.now(UTC)
    sent = not_sent = 0
    for _ in range(BATCH):
        message = db.session.scalars(_due("sms", now).limit(1)).first()
        if message is None:
            break
        if not _take_place(message.recipient, now.astimezone(sla.BEIJING).date(), daily_cap):
            message.status = "capped"
            message.last_error = f"the daily cap of {daily_cap} SMS to this number was reached"
            not_sent += 1
        else:
            try:
                if message.template not in codes:
                    raise SmsFailed(f"no provider template code is configured for {message.template!r}")
                channel.send(message, codes[message.template])
            except SmsRefused as error:
                message.status, message.last_error = "refused", str(error)[:500]
                message.attempts += 1
                _give_back_place(message.recipient, now.astimezone(sla.BEIJING).date())
                log.warning("outbox SMS %s refused by the provider; not retried", message.id)
                not_sent += 1
            except SmsFailed as error:
                _failed(message, str(error), now)
                _give_back_place(message.recipient, now.astimezone(sla.BEIJING).date())
                not_sent += 1
            else:
                message.status, message.sent_at = "sent", now
                message.attempts += 1
                sent += 1
        db.session.commit()  # this row's outcome and its count, then the next claim
    db.session.commit()
    return sent, not_sent


def _take_place(phone, day, cap):
    db.session.execute(text("INSERT INTO sms_daily_count (phone, day, sent) VALUES (:phone, :day, 0) "
                            "ON CONFLICT (phone, day) DO NOTHING"), {"phone": phone, "day": day})
    raised = db.session.execute(update(SmsDailyCount)
                                .where(SmsDailyCount.phone == phone, SmsDailyCount.day == day,
                                       SmsDailyCount.sent < cap)
                                .values(sent=SmsDailyCount.sent + 1))
    return raised.rowcount == 1


def _give_back_place(phone, day):
    db.session.execute(update(SmsDailyCount).where(SmsDailyCount.phone == phone, SmsDailyCount.day == day)
                       .values(sent=SmsDailyCount.sent - 1))
