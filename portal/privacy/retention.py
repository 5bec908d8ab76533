"""Personal data kept no longer than needed (PIPL art. 19 and 47).

`flask retention run` removes the personal data and attachments of requests closed more than
PORTAL_RETENTION_DAYS ago (3 years by default, as the privacy notice says) and keeps what the
service report counts: type, county, industry, institution, dates and status. The same run deletes
alert subscriptions never confirmed within 7 days or cancelled, and delivered e-mails that belong
to no request after 90 days, and the personal data of event registrants 180 days after their
event (portal/events/service.py). The same scrub
serves an administrator who deletes one requester's data on their request. Both leave an audit
event that names tracking numbers and counts, never the person.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select, update

from portal.alerts.subscriptions import purge as subscriptions_purge
from portal.db import db
from portal.events import service as events
from portal.models import AssistanceRequest, AuditEvent, OutboxMessage, Rating, RatingFollowUp

OUTBOX_KEEP_DAYS = 90  # delivered e-mails not tied to a request (accounts, alert digests) hold an address
PERSONAL_FIELDS = ("organisation", "contact_name", "phone", "email", "description")
TEXT_KEYS = ("message", "text", "reason")  # free text in audit events may name people


def scrub(request, upload_dir, now):
    """Remove one request's personal data and attachment files. Does not commit."""
    for name in PERSONAL_FIELDS:
        setattr(request, name, "")
    request.credit_code = None
    request.details = {}
    request.pending_move = None  # its reason is staff's free text
    request.anonymized_at = now
    files = 0
    for attachment in list(request.attachments):
        Path(upload_dir, attachment.stored_name).unlink(missing_ok=True)
        db.session.delete(attachment)
        files += 1
    for event in request.events:
        for side in ("before", "after"):
            payload = getattr(event, side)
            if payload and any(key in payload for key in TEXT_KEYS):
                setattr(event, side, {k: ("[removed]" if k in TEXT_KEYS else v) for k, v in payload.items()})
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.request_id == request.id,
                                                   OutboxMessage.status != "pending"))
    # The rating's level and the follow-up's dates stay for the service report; the words go.
    db.session.execute(update(Rating).where(Rating.request_id == request.id).values(comment=""))
    db.session.execute(update(RatingFollowUp).where(RatingFollowUp.request_id == request.id)
                       .values(action_taken=""))
    return files


def expired(now, days):
    cutoff = now - timedelta(days=days)
    return select(AssistanceRequest).where(AssistanceRequest.status == "closed", AssistanceRequest.closed_at < cutoff,
                                           AssistanceRequest.anonymized_at.is_(None))


def run(now=None, days=None, dry_run=False):
    """Scrub every request past the retention period, delete alert subscriptions that were never
    confirmed or were cancelled, and delivered e-mails older than OUTBOX_KEEP_DAYS that belong to
    no request. Returns (requests, files, subscriptions, e-mails)."""
    now = now or datetime.now(UTC)
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    upload_dir = current_app.config["UPLOAD_DIR"]
    requests = db.session.scalars(expired(now, days)).all()
    if dry_run:
        return len(requests), sum(len(r.attachments) for r in requests), None, None
    files = sum(scrub(request, upload_dir, now) for request in requests)
    mails = db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.request_id.is_(None), OutboxMessage.status != "pending",
        OutboxMessage.created_at < now - timedelta(days=OUTBOX_KEEP_DAYS))).rowcount
    db.session.commit()
    subscriptions = subscriptions_purge(now)
    # Event registrants: their personal data goes KEEP_DAYS_AFTER_EVENT days after the event.
    registrations = events.scrub_past(current_app.extensions["catalog"], now)
    db.session.commit()
    db.session.add(AuditEvent(actor="retention", action="retention-run", created_at=now,
                              after={"requests": len(requests), "attachments": files, "days": days,
                                     "subscriptions": subscriptions, "emails": mails,
                                     "event_registrations": registrations}))
    db.session.commit()
    return len(requests), files, subscriptions, mails


def requests_of(contact):
    """Every request a requester made, by the e-mail address they gave (case-insensitive) or, for
    those who gave none, by their normalised phone number."""
    wanted = contact.strip().lower()
    column = func.lower(AssistanceRequest.email) if "@" in wanted else AssistanceRequest.phone
    return db.session.scalars(select(AssistanceRequest).where(column == wanted, column != "")
                              .order_by(AssistanceRequest.id)).all()


def registrations_of(contact):
    """Every event registration made with this e-mail address (registrations need one)."""
    return events.registrations_of(contact) if "@" in contact else []


def export(requests, registrations=()):
    """A requester's data as a JSON-serialisable dict (PIPL art. 45: a copy on request)."""
    return {"exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "event_registrations": events.export(registrations), "requests": [{
        "tracking_number": r.tracking_number, "type": r.request_type, "received_at": r.created_at.isoformat(),
        "status": r.status, "organisation": r.organisation, "credit_code": r.credit_code,
        "contact_name": r.contact_name, "phone": r.phone, "email": r.email, "county": r.county,
        "industry": r.industry, "description": r.description, "details": r.details,
        "attachments": [{"name": a.original_name, "type": a.content_type, "size": a.size} for a in r.attachments],
        "messages_from_institution": [e.after.get("message") for e in r.events
                                      if e.action == "replied" and e.after and e.after.get("message")],
    } for r in requests]}


def delete_personal_data(requests, actor, registrations=()):
    """Scrub these requests and event registrations now (a requester's deletion request, PIPL
    art. 47); audited."""
    now = datetime.now(UTC)
    upload_dir = current_app.config["UPLOAD_DIR"]
    files = sum(scrub(r, upload_dir, now) for r in requests)
    numbers = [r.number for r in registrations]
    for registration in registrations:
        events.scrub(registration, now)
    db.session.add(AuditEvent(actor=actor, action="requester-data-deleted", created_at=now,
                              after={"requests": [r.tracking_number for r in requests], "attachments": files,
                                     "event_registrations": numbers}))
    db.session.commit()
    return files


def record_export(requests, actor, registrations=()):
    db.session.add(AuditEvent(actor=actor, action="requester-data-exported",
                              after={"requests": [r.tracking_number for r in requests],
                                     "event_registrations": [r.number for r in registrations]}))
    db.session.commit()

