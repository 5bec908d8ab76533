"""Registrations for events. The event itself is a content page (portal/content/event_facts.py);
what people submit lives here.

`event_seats` has one row per event: every registration and cancellation of that event takes its
row lock first (PostgreSQL `SELECT … FOR UPDATE`; SQLite's single writer with BEGIN IMMEDIATE),
then counts, so two registrations for the last place are decided one after the other and the
capacity is never exceeded. The row also hands out the waiting list's positions in order.
"""

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, db


def now():
    return datetime.now(UTC)


class EventSeats(db.Model):
    __tablename__ = "event_seats"
    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    next_position: Mapped[int] = mapped_column(Integer, default=0)  # the last position handed out


class EventRegistration(db.Model):
    """One organisation's registration for one event. Personal data: removed by retention
    (portal/events/service.py scrub_past) after the event; the status, dates and rating stay."""

    __tablename__ = "event_registration"
    # One registration per event and contact (the e-mail address, lower case): a second is refused.
    __table_args__ = (UniqueConstraint("event_slug", "contact_key", name="uq_event_registration_contact"),
                      Index("ix_event_registration_event_status", "event_slug", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(5))
    # The private link's secret (view, cancel, rate): unguessable, the only thing in its address.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # confirmed, waiting, cancelled
    position: Mapped[int] = mapped_column(Integer)   # order of registration: the waiting list moves by it
    slot: Mapped[int | None] = mapped_column(Integer)  # a school session's slot (index), None otherwise
    applicant_kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    contact_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    contact_key: Mapped[str] = mapped_column(String(254))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # the event's own questions, by id
    share_with_banks: Mapped[bool] = mapped_column(Boolean, default=False)  # partner banks may see it
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set once, by a conditional UPDATE
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_level: Mapped[str | None] = mapped_column(String(20))  # vocab.RATING_LEVELS
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def number(self):
        """The registration's number as people read it out (SMS, sign-in sheet): from the key."""
        return f"EV-{self.id:06d}"
