"""Saving a request: one transaction for the request, its attachments, the routing decision,
the audit events and the outbox messages. What the user is told is saved is saved, and every
saved request has its notifications queued."""

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from portal.db import db
from portal.institutions import assignment
from portal.models import AssistanceRequest, Attachment, AuditEvent, OutboxMessage, tracking_number_for
from portal.notify import messages, sms
from portal.requests.uploads import store

log = logging.getLogger(__name__)


def tracking_number(request):
    return tracking_number_for(request)


# Built once (each Send asks it): the statement and its cache key cost more to make than to run.
BY_FORM_TOKEN = select(AssistanceRequest).where(AssistanceRequest.form_token == bindparam("form_token"))


def find_by_form_token(form_token):
    return db.session.scalar(BY_FORM_TOKEN, {"form_token": form_token})


def submit(values, details, uploads, *, request_type, lang, privacy_version, upload_dir, status_url_for, site_url,
           sms_signature="", decision=None):
    """Save a valid submission; returns (request, created). `decision` is the routing decision the
    check page named and the requester agreed to (their consent's version in the "received" event);
    None routes it now. A repeated form token returns the request the first submission created (the
    unique form_token column decides, so two submissions racing each other also end as one). Files
    are removed if the transaction fails."""
    stored = []
    try:
        for upload in uploads:
            stored.append((upload, store(upload_dir, upload)))
        request = AssistanceRequest(
            status_token=secrets.token_urlsafe(32), request_type=request_type, lang=lang,
            privacy_version=privacy_version, details=details, status="received", **values)
        db.session.add(request)
        db.session.flush()  # the database assigns the id the tracking number is made from
        request.tracking_number = tracking_number(request)
        for upload, stored_name in stored:
            db.session.add(Attachment(request=request, stored_name=stored_name, original_name=upload.original_name,
                                      content_type=upload.content_type, size=len(upload.data)))
        received = {"type": request_type, "attachments": len(stored)}
        if decision is not None:  # the separate consent to the institution the check page named
            received.update(recipient=decision.institution_id, recipient_consent_version=privacy_version)
        db.session.add(AuditEvent(request=request, actor="requester", action="received", public=True, after=received))
        assignment.place(request, decision or assignment.assign(request), actor="routing", site_url=site_url,
                         first=True)
        if request.email:
            subject, body = messages.acknowledgement(request, status_url_for(request))
            db.session.add(OutboxMessage(request_id=request.id, purpose="acknowledgement",
                                         recipient=request.email, subject=subject, body=body))
        sms.queue(request, "received", "sms-received", site_url, sms_signature)
        link = {"status_token": request.status_token, "lang": request.lang}
        db.session.commit()
        _keep_loaded(request, link)
        return request, True
    except IntegrityError:
        db.session.rollback()
        _remove(upload_dir, stored)
        existing = find_by_form_token(values["form_token"])
        if existing:  # the same form submitted twice at once: the other submission won
            return existing, False
        raise
    except BaseException:
        db.session.rollback()
        _remove(upload_dir, stored)
        raise


def _keep_loaded(request, values):
    """The commit expired every attribute; the ones the status link is made of (written by this
    transaction, so known) are set back as committed, and the redirect to the status page does
    not read the row again. Any other attribute still loads from the database."""
    for name, value in values.items():
        set_committed_value(request, name, value)


def requester_message(request, text, uploads, resolved, upload_dir, site_url):
    """The requester wrote on the status page: the message and documents on the timeline, and an
    e-mail to the institution (no personal data in it). One transaction; files removed if it
    fails. Commits."""
    stored = []
    try:
        for upload in uploads:
            stored.append((upload, store(upload_dir, upload)))
        for upload, stored_name in stored:
            db.session.add(Attachment(request=request, stored_name=stored_name, original_name=upload.original_name,
                                      content_type=upload.content_type, size=len(upload.data)))
        after = {"attachments": len(stored)}
        if text:
            after["message"] = text
        action = "requester-resolved" if resolved else "requester-message"
        event = AuditEvent(request=request, actor="requester", action=action, public=True, after=after)
        db.session.add(event)
        db.session.flush()
        if request.institution is not None:
            subject, body = messages.requester_wrote(request, request.institution, site_url)
            db.session.add(OutboxMessage(request_id=request.id, purpose=f"requester-wrote-{event.id}",
                                         recipient=request.institution.email, subject=subject, body=body))
        db.session.commit()
        return event
    except BaseException:
        db.session.rollback()
        _remove(upload_dir, stored)
        raise


def stop_sms(request):
    """The requester stopped SMS: pending ones are not sent, none are queued from now on. Commits."""
    now = datetime.now(UTC)
    request.sms_stopped_at = now
    db.session.execute(update(OutboxMessage)
                       .where(OutboxMessage.request_id == request.id, OutboxMessage.channel == "sms",
                              OutboxMessage.status == "pending")
                       .values(status="stopped", last_error="stopped by the requester"))
    db.session.add(AuditEvent(request=request, actor="requester", action="sms-stopped", public=True, created_at=now))
    db.session.commit()


def _remove(upload_dir, stored):
    for _upload, stored_name in stored:
        Path(upload_dir, stored_name).unlink(missing_ok=True)
