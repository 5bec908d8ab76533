"""The tracking page's checks: a tracking number and the last six digits of the phone number, or,
for a request given with an e-mail address (many have no phone), the number and that address, which
never opens the request on the page: its private status link is sent to the address on record.

Tracking numbers are sequential, so the second secret carries the protection, and it is counted
per number, not per address (offices, schools and mobile carriers share one address): after
MAX_MISSES wrong answers a number is locked for LOCK_MINUTES, whatever the digits then say, and
the requester is told by e-mail (their own status link keeps working). A wrong e-mail address
counts as a miss of the same number, so the two ways together allow MAX_MISSES guesses. The
counters change by conditional UPDATEs, so workers and hosts guessing at once still count every
miss and lock once. The page answers the same for every outcome, and a request gets at most one
link e-mail per LINK_MINUTES, so the form cannot be used to flood an inbox.
"""

import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from portal.db import as_utc, db
from portal.models import AssistanceRequest, OutboxMessage
from portal.notify import messages
from portal.web import status_url

DIGITS = 6
MAX_MISSES = 5
LOCK_MINUTES = 60
LINK_MINUTES = 15


def digits_match(phone, digits):
    return len(digits) == DIGITS and digits.isascii() and digits.isdigit() and \
        hmac.compare_digest(phone[-DIGITS:], digits)


def find(number, digits, now=None):
    """The request `number` and `digits` open, or None (unknown, wrong or locked: one answer).
    Commits the miss counters."""
    now = now or datetime.now(UTC)
    request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.tracking_number == number)) \
        if number else None
    if request is None:
        return None
    locked = request.track_locked_until is not None and as_utc(request.track_locked_until) > now
    if not locked and digits_match(request.phone, digits):
        if request.track_misses:
            db.session.execute(update(AssistanceRequest).where(AssistanceRequest.id == request.id)
                               .values(track_misses=0))
            db.session.commit()
        return request
    if not locked:
        _miss(request, now)
    return None


def send_link(number, email, now=None):
    """Queue the request's status link to its own e-mail address when `number` and `email` match
    and the number is not locked; a wrong address counts as a miss. Returns nothing: the page says
    the same whatever happened. Commits."""
    now = now or datetime.now(UTC)
    request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.tracking_number == number)) \
        if number else None
    if request is None or request.anonymized_at is not None:
        return
    if request.track_locked_until is not None and as_utc(request.track_locked_until) > now:
        return
    if not (request.email and hmac.compare_digest(request.email.casefold().encode(), email.casefold().encode())):
        _miss(request, now)
        return
    window = int(now.timestamp()) // (LINK_MINUTES * 60)
    purpose = f"track-link-{window}"
    if request.track_misses:
        db.session.execute(update(AssistanceRequest).where(AssistanceRequest.id == request.id).values(track_misses=0))
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.request_id == request.id,
                                                        OutboxMessage.purpose == purpose)) is None:
        subject, body = messages.tracking_link(request, status_url(request, external=True))
        db.session.add(OutboxMessage(request_id=request.id, purpose=purpose, recipient=request.email,
                                     subject=subject, body=body))
    try:
        db.session.commit()
    except IntegrityError:  # the same link asked twice at once: the other one is queued
        db.session.rollback()


def _miss(request, now):
    table = AssistanceRequest
    db.session.execute(update(table).where(table.id == request.id).values(track_misses=table.track_misses + 1))
    # Exactly one of several processes seeing the last miss locks the number and sends the e-mail.
    claimed = db.session.execute(
        update(table).where(table.id == request.id, table.track_misses >= MAX_MISSES,
                            or_(table.track_locked_until.is_(None), table.track_locked_until <= now))
        .values(track_misses=0, track_locked_until=now + timedelta(minutes=LOCK_MINUTES))).rowcount
    if claimed == 1 and request.email:  # a request with a phone only cannot be told
        subject, body = messages.tracking_locked(request, LOCK_MINUTES, status_url(request, external=True))
        db.session.add(OutboxMessage(request_id=request.id, purpose=f"track-locked-{int(now.timestamp())}",
                                     recipient=request.email, subject=subject, body=body))
    db.session.commit()
    current_app.logger.info("tracking: a wrong answer for one request%s", " (now locked)" if claimed else "")
