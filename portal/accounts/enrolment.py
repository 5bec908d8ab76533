"""A second factor being set up: its secret waits in the database under a random token that the
session holds, never in the session itself. Flask's session cookie is signed, not encrypted:
whoever saw the cookie (a shared computer's browser profile, a proxy or a log that keeps cookies)
could read the secret from it and make codes for the account once it is enrolled. The row lasts
ENROL_MINUTES, belongs to one session and one account, and goes when the enrolment ends.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import session
from sqlalchemy import ForeignKey, String, delete, or_
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts import second_factor
from portal.db import UTCDateTime, as_utc, db

SESSION_KEY = "enrol_token"
ENROL_MINUTES = 15  # scanning a QR code and typing a code; a sign-in's pending step is shorter


class PendingEnrolment(db.Model):
    __tablename__ = "second_factor_enrolment"
    # SHA-256 of the session's token: a copy of the table alone names no session
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _current(user, now):
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    row = db.session.get(PendingEnrolment, _hash(token))
    if row is None or row.user_id != user.id or as_utc(row.expires_at) <= now:
        return None
    return row


def pending_secret(user, now=None):
    """The secret this session is enrolling for `user`: the one already shown, while it is fresh;
    else a new one (committed), which also clears every expired row."""
    now = now or datetime.now(UTC)
    row = _current(user, now)
    if row is not None:
        return row.secret
    token, secret = secrets.token_urlsafe(32), second_factor.new_secret()
    old = session.get(SESSION_KEY)
    db.session.execute(delete(PendingEnrolment).where(or_(
        PendingEnrolment.expires_at <= now,
        PendingEnrolment.token_hash == (_hash(old) if isinstance(old, str) else ""))))
    db.session.add(PendingEnrolment(token_hash=_hash(token), user_id=user.id, secret=secret,
                                    expires_at=now + timedelta(minutes=ENROL_MINUTES)))
    db.session.commit()
    session[SESSION_KEY] = token
    return secret


def finish(user):
    """The factor is enrolled: no pending secret of `user` stays (in this session or another);
    the caller commits."""
    db.session.execute(delete(PendingEnrolment).where(PendingEnrolment.user_id == user.id))
    session.pop(SESSION_KEY, None)
