"""The portal's records. Everything a person submits lives here; content does not."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, db


def now():
    return datetime.now(UTC)


def tracking_number_for(request):
    """HS<year>-<id, six digits>: from the database's own key, unique across processes and hosts,
    no counter to share. The web form and the 12345 tickets both number requests this way."""
    return f"HS{request.created_at.year}-{request.id:06d}"


class Institution(db.Model):
    """A service institution requests are routed to. Data, changed by administrators."""

    __tablename__ = "institution"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(30))          # center, workstation, bank, agency, …
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    services: Mapped[list] = mapped_column(JSON, default=list)  # request types it handles
    counties: Mapped[list] = mapped_column(JSON, default=list)  # counties it serves; empty: all
    email: Mapped[str] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(40), default="")        # public contact data, shown in
    address_zh: Mapped[str] = mapped_column(String(300), default="")  # the directory; empty when unknown
    address_en: Mapped[str] = mapped_column(String(300), default="")

    def name(self, lang):
        return self.name_zh if lang == "zh" else self.name_en


class RoutingRule(db.Model):
    """Requests matching every non-empty condition may go to the institution; higher priority first."""

    __tablename__ = "routing_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)
    request_type: Mapped[str | None] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(40))
    industry: Mapped[str | None] = mapped_column(String(40))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AssistanceRequest(db.Model):
    __tablename__ = "assistance_request"
    # Routing counts open requests per institution; staff queues filter the same way.
    __table_args__ = (Index("ix_request_institution_status", "institution_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # HS<year>-<id, six digits>: from the database's own key, so unique across processes and hosts.
    tracking_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The private status link's secret: unguessable, separate from the number people read out.
    status_token: Mapped[str] = mapped_column(String(64), unique=True)
    # One per rendered form: a second submit of the same form finds the first request.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    request_type: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5))
    applicant_kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    contact_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    county: Mapped[str] = mapped_column(String(40))
    industry: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the request type's own fields
    privacy_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="received")
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # The service clock (portal/sla.py): the first response is due by due_at, counted in working
    # days from the moment the current institution received it.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: not escalated yet
    declined_by: Mapped[list] = mapped_column(JSON, default=list)  # institutions that declined it
    # The separate SMS consent: the version of the text agreed to; None: no SMS. sms_stopped_at is
    # set when the requester stops SMS from the status page (the consent stays on record).
    sms_consent_version: Mapped[str | None] = mapped_column(String(20))
    sms_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retention ran
    # Raised by every staff action that changes the status or the institution; a form carries the
    # version its reader saw, and the action's conditional UPDATE finds the row only at that
    # version, so of two actions on one request exactly one applies (portal/casework/service.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The tracking page's wrong answers since the last right one, and until when the number is
    # locked after too many (portal/requests/tracking.py).
    track_misses: Mapped[int] = mapped_column(default=0, server_default="0")
    track_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A move to a different kind of recipient (e.g. the public centre to a commercial bank) waiting
    # for the requester's consent (PIPL art. 23): {"institution", "rule", "reason"}; None: none waits.
    pending_move: Mapped[dict | None] = mapped_column(JSON)

    institution = relationship(Institution)
    attachments = relationship("Attachment", back_populates="request", order_by="Attachment.id")
    events = relationship("AuditEvent", back_populates="request", order_by="AuditEvent.id")


class Attachment(db.Model):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_request.id"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random; never the user's name
    original_name: Mapped[str] = mapped_column(String(255))  # kept as data (secure_filename drops Chinese)
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    request = relationship(AssistanceRequest, back_populates="attachments")


class RoutingDecision(db.Model):
    __tablename__ = "routing_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_request.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rule.id"))  # None: the fallback
    reason: Mapped[str] = mapped_column(String(500))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class User(db.Model):
    """A member of staff of an institution, a coordinator of the municipal centre, or an administrator.

    Invited by e-mail: the account has no password until its owner sets one through the invitation
    link. session_version is part of the login session's id, so raising it (logout, password change,
    deactivation) ends every session of that user on the server side."""

    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower case
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # staff, coordinator, admin (portal/staff/roles.py)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lang: Mapped[str] = mapped_column(String(5), default="zh")  # language of the e-mails it receives
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (portal/accounts/second_factor.py): the TOTP secret (None: not enrolled),
    # the last time step a code was accepted for (a code is never accepted twice), and the
    # SHA-256 hashes of the recovery codes not used yet.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_hashes: Mapped[list] = mapped_column(JSON, default=list)

    institution = relationship(Institution)


class AuditEvent(db.Model):
    """Every change to a request; those visible to the requester form the public timeline."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_request.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    request = relationship(AssistanceRequest, back_populates="events")


class OutboxMessage(db.Model):
    """An e-mail or an SMS to send, written in the same transaction as what it reports.

    An SMS row has the phone number (E.164) as recipient, the template's name and its parameters
    (the provider holds the approved text and fills it); body is the same text rendered, for the
    file channel and the record."""

    __tablename__ = "outbox_message"
    __table_args__ = (UniqueConstraint("request_id", "purpose", "recipient", name="uq_outbox_purpose"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_request.id"))
    purpose: Mapped[str] = mapped_column(String(40))        # acknowledgement, institution-notice, …
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # pending, sent, failed (given up after retries), refused (the provider refused the number:
    # never retried), capped (the number's daily SMS cap was reached), stopped (the requester
    # stopped SMS before it was sent)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Extra e-mail headers, e.g. List-Unsubscribe on alert digests (RFC 8058); None for most.
    headers: Mapped[dict | None] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")  # email, sms
    template: Mapped[str | None] = mapped_column(String(40))  # an SMS template (portal/notify/sms_texts.py)
    params: Mapped[dict | None] = mapped_column(JSON)  # its parameters, by name


class SmsDailyCount(db.Model):
    """SMS sent to one number on one Beijing calendar day: the per-number daily cap. One row per
    number and day, raised by a conditional UPDATE, so two outbox workers never exceed the cap."""

    __tablename__ = "sms_daily_count"
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorValue(db.Model):
    """A published value of one of the plan's indicators (portal/indicators/plan.yaml), entered by an
    administrator with its date and source. Rows are kept: the newest `as_of` is the one shown."""

    __tablename__ = "indicator_value"
    __table_args__ = (Index("ix_indicator_value_key_as_of", "indicator_key", "as_of"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    as_of: Mapped[date] = mapped_column(Date)                 # the date the value describes
    source_title: Mapped[str] = mapped_column(String(300))
    source_url: Mapped[str] = mapped_column(String(500))
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class AlertSubscription(db.Model):
    """An e-mail subscription to overseas risk alerts. Personal data: purged by
    portal.alerts.subscriptions.purge once unconfirmed for long or unsubscribed."""

    __tablename__ = "alert_subscription"
    __table_args__ = (Index("ix_alert_subscription_status", "status", "frequency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(5))
    industries: Mapped[list] = mapped_column(JSON, default=list)  # empty: every industry
    regions: Mapped[list] = mapped_column(JSON, default=list)     # empty: every market
    notices: Mapped[bool] = mapped_column(Boolean, default=False)  # also the IP office's notices (通知公告)
    frequency: Mapped[str] = mapped_column(String(10))            # weekly, immediate
    status: Mapped[str] = mapped_column(String(15), default="pending")  # pending, active, unsubscribed
    privacy_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertDelivery(db.Model):
    """Which alert went to which subscription: the unique pair is what stops a second send, even
    when two digest runs overlap."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "alert_slug", name="uq_alert_delivery"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id", ondelete="CASCADE"))
    alert_slug: Mapped[str] = mapped_column(String(120))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Rating(db.Model):
    """The requester's 好差评 rating of an answered or closed request (国办发〔2019〕51号): one per
    request (the unique key), changeable for 7 days after it was first given (portal/ratings/rules.py).
    The comment is personal data: never public, removed with the request's personal data."""

    __tablename__ = "rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_request.id"), unique=True)
    level: Mapped[str] = mapped_column(String(20))  # portal/ratings/rules.py LEVELS
    comment: Mapped[str] = mapped_column(Text, default="")
    first_rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # the latest change
    request = relationship(AssistanceRequest)


class RatingFollowUp(db.Model):
    """A coordinator's follow-up of a bad rating (不满意 or 非常不满意): due 15 working days after it
    was opened on the service clock, escalated once when overdue, closed with what was done and
    whether the requester was called back. One per request (the unique key), so a rating changed
    from bad to bad again, or two saves at once, open it once."""

    __tablename__ = "rating_follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_request.id"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    action_taken: Mapped[str] = mapped_column(Text, default="")  # may name people: removed by retention
    called_back: Mapped[bool | None] = mapped_column(Boolean)
    request = relationship(AssistanceRequest)


class HotlineTicket(db.Model):
    """A case that came by the 12345 hotline, recorded by a coordinator as a request: the 12345 ticket
    number (unique: the same ticket recorded twice, even at once, is one case) and the request it
    became. The caller's details are the request's own (contact, phone, matter), so retention removes
    them with the request's personal data."""

    __tablename__ = "hotline_ticket"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_number: Mapped[str] = mapped_column(String(40), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_request.id"), unique=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    request = relationship(AssistanceRequest)
