"""Registrations: one transaction each, under the event's lock, so the capacity holds and the
waiting list moves in order; cancellations, check-in, messages to all, reminders sent once,
ratings and the removal of registrants' personal data after the event.

Every change that decides a place (registering, cancelling) begins a write transaction
(portal/db.py begin_write) and locks the event's `event_seats` row before it counts. On
PostgreSQL that is `SELECT … FOR UPDATE`: fifty people registering for the last twenty places at
once are decided one after the other (tests/test_events_postgres.py).
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from portal import validators
from portal.content import current_catalog
from portal.db import as_utc, begin_write, db
from portal.events import rules
from portal.events.messages import queue_email, queue_sms
from portal.events.models import EventRegistration, EventSeats
from portal.models import AuditEvent, OutboxMessage
from portal.vocab import LANGUAGES

SECTION = "events"
# Registrants' personal data is kept this long after the event ends (the privacy notice says so),
# for the organiser's follow-up and the sign-in record; then retention removes it.
KEEP_DAYS_AFTER_EVENT = 180
PERSONAL_FIELDS = ("organisation", "contact_name", "phone", "email")


def now():
    return datetime.now(UTC)


def event_pages(lang, catalog=None):
    catalog = catalog or current_catalog()
    return [page for page in catalog.in_section(SECTION, lang) if page.event]


def event_page(slug, lang):
    page = current_catalog().get(SECTION, slug, lang)
    return page if page is not None and page.event else None


def pages_by_lang(slug):
    """The event's page in each language it has (e-mails go out in the registrant's)."""
    catalog = current_catalog()
    pages = {lang: catalog.get(SECTION, slug, lang) for lang in LANGUAGES}
    return {lang: page for lang, page in pages.items() if page is not None and page.event}


def _page_for(pages_by_lang, lang):
    return pages_by_lang.get(lang) or next(iter(pages_by_lang.values()))


def _lock(slug):
    """Begin a write transaction holding the event's lock; returns its seats row."""
    begin_write()
    db.session.execute(text("INSERT INTO event_seats (slug, next_position) VALUES (:slug, 0) "
                            "ON CONFLICT (slug) DO NOTHING"), {"slug": slug})
    return db.session.scalars(select(EventSeats).where(EventSeats.slug == slug).with_for_update()
                              .execution_options(populate_existing=True)).one()


def _confirmed(slug):
    return db.session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_slug == slug, EventRegistration.status == "confirmed"))


def counts(slug):
    """{'confirmed': n, 'waiting': n} for the event's page (read without the lock: a display)."""
    rows = db.session.execute(select(EventRegistration.status, func.count()).where(
        EventRegistration.event_slug == slug, EventRegistration.status.in_(rules.ACTIVE))
        .group_by(EventRegistration.status)).all()
    found = dict(rows)
    return {"confirmed": found.get("confirmed", 0), "waiting": found.get("waiting", 0)}


def taken_slots(slug):
    return frozenset(db.session.scalars(select(EventRegistration.slot).where(
        EventRegistration.event_slug == slug, EventRegistration.status == "confirmed",
        EventRegistration.slot.is_not(None))))


def register(page, values, lang, privacy_version, at=None):
    """Register `values` (the form's clean data) for the event `page`. Returns (registration or
    None, outcome): outcome is 'confirmed' or 'waiting', or the refusal of rules.decide."""
    at = at or now()
    facts = page.event
    seats = _lock(page.slug)
    contact_key = values["email"].lower()
    existing = db.session.scalar(select(EventRegistration).where(EventRegistration.event_slug == page.slug,
                                                                 EventRegistration.contact_key == contact_key))
    outcome = rules.decide(facts, at, _confirmed(page.slug), existing.status if existing else None,
                           values.get("slot"), taken_slots(page.slug) if facts.slots else frozenset())
    if outcome not in rules.ACTIVE:
        db.session.rollback()
        return None, outcome
    seats.next_position += 1
    registration = existing or EventRegistration(event_slug=page.slug, contact_key=contact_key)
    for name in ("applicant_kind", "organisation", "credit_code", "contact_name", "phone", "email", "answers",
                 "share_with_banks", "sms_consent", "slot"):
        setattr(registration, name, values.get(name))
    registration.share_with_banks = bool(values.get("share_with_banks")) and bool(facts.partners)
    registration.sms_consent = bool(values.get("sms_consent"))
    registration.answers = values.get("answers") or {}
    registration.lang, registration.privacy_version = lang, privacy_version
    registration.token = secrets.token_urlsafe(32)
    registration.status, registration.position = outcome, seats.next_position
    registration.created_at, registration.cancelled_at = at, None
    registration.confirmed_at = at if outcome == "confirmed" else None
    registration.reminded_at = registration.attended_at = None
    db.session.add(registration)
    try:
        db.session.flush()
        queue_email(registration, page, outcome)
        queue_sms(registration, "event-registered" if outcome == "confirmed" else "event-waiting")
        db.session.commit()
    except IntegrityError:  # the same contact at the same moment, past the lock (never on one database)
        db.session.rollback()
        return None, "duplicate"
    return registration, outcome


def by_token(token):
    return db.session.scalar(select(EventRegistration).where(EventRegistration.token == token))


def cancel(token, pages_by_lang, at=None):
    """Cancel the registration with this token; a confirmed place goes to the first on the
    waiting list, who is told. `pages_by_lang` gives the event's page per language (for the
    e-mails). Returns the promoted registrations, or None when there was nothing to cancel."""
    at = at or now()
    registration = by_token(token)
    if registration is None or registration.status not in rules.ACTIVE:
        return None
    slug = registration.event_slug
    _lock(slug)
    registration = db.session.scalars(select(EventRegistration).where(EventRegistration.token == token)
                                      .execution_options(populate_existing=True)).one()
    if registration.status not in rules.ACTIVE:
        db.session.rollback()
        return None
    registration.status, registration.cancelled_at = "cancelled", at
    db.session.flush()
    promoted = _promote(slug, pages_by_lang, at)
    db.session.commit()
    return promoted


def _promote(slug, pages_by_lang, at):
    """Inside the event's lock: confirm the first on the waiting list for each free place."""
    facts = next(iter(pages_by_lang.values())).event
    waiting = {r.position: r for r in db.session.scalars(select(EventRegistration).where(
        EventRegistration.event_slug == slug, EventRegistration.status == "waiting"))}
    promoted = []
    for position in rules.to_promote(facts, at, _confirmed(slug), waiting):
        registration = waiting[position]
        registration.status, registration.confirmed_at = "confirmed", at
        queue_email(registration, _page_for(pages_by_lang, registration.lang), "promoted")
        queue_sms(registration, "event-promoted")
        promoted.append(registration)
    return promoted


def fill_free_places(catalog, at=None):
    """Confirm the first waiting for every free place of each upcoming event: a place can come free
    without a cancellation, when an editor raises the capacity. The worker loop runs it with the
    reminders. Returns how many moved up."""
    at = at or now()
    moved = 0
    for page in event_pages("zh", catalog):
        if page.event.slots or at >= page.event.starts or not counts(page.slug)["waiting"]:
            continue
        _lock(page.slug)
        pages = {lang: catalog.get(SECTION, page.slug, lang) for lang in LANGUAGES}
        moved += len(_promote(page.slug, {lang: p for lang, p in pages.items() if p and p.event}, at))
        db.session.commit()
    return moved


def registrations(slug, banks_only=False):
    query = select(EventRegistration).where(EventRegistration.event_slug == slug,
                                            EventRegistration.status.in_(rules.ACTIVE))
    if banks_only:
        query = query.where(EventRegistration.share_with_banks.is_(True),
                            EventRegistration.status == "confirmed")
    return db.session.scalars(query.order_by(EventRegistration.status, EventRegistration.position)).all()


def check_in(slug, registration_id, attended, actor, at=None):
    """Mark a confirmed registrant as present (or not). Returns False when there is no such one."""
    at = at or now()
    begin_write()
    changed = db.session.execute(update(EventRegistration).where(
        EventRegistration.id == registration_id, EventRegistration.event_slug == slug,
        EventRegistration.status == "confirmed").values(attended_at=at if attended else None)).rowcount
    if changed:
        db.session.add(AuditEvent(actor=actor, action="event-check-in", created_at=at,
                                  after={"event": slug, "registration": registration_id, "attended": attended}))
    db.session.commit()
    return bool(changed)


def message_all(slug, pages_by_lang, subject, body, actor, include_waiting):
    """Queue the organiser's e-mail to every registrant (confirmed, and waiting when asked) in one
    transaction. Returns how many were queued."""
    begin_write()
    wanted = rules.ACTIVE if include_waiting else ("confirmed",)
    recipients = db.session.scalars(select(EventRegistration).where(
        EventRegistration.event_slug == slug, EventRegistration.status.in_(wanted),
        EventRegistration.anonymized_at.is_(None))).all()
    for registration in recipients:
        queue_email(registration, _page_for(pages_by_lang, registration.lang), "organiser", subject=subject,
                    text=body)
    db.session.add(AuditEvent(actor=actor, action="event-message", after={"event": slug,
                                                                           "recipients": len(recipients)}))
    db.session.commit()
    return len(recipients)


def send_reminders(catalog, at=None):
    """Queue the day-before reminder of every confirmed registration whose event is due, once:
    each row is claimed by a conditional UPDATE (reminded_at still empty) and its messages are
    queued in the same transaction, so two workers never both remind one registrant."""
    at = at or now()
    queued = 0
    due = {page.slug: page for page in event_pages("zh", catalog) if rules.reminder_due(page.event, at)}
    for slug in due:
        pages = {lang: catalog.get(SECTION, slug, lang) for lang in ("zh", "en")}
        db.session.rollback()
        ids = db.session.scalars(select(EventRegistration.id).where(
            EventRegistration.event_slug == slug, EventRegistration.status == "confirmed",
            EventRegistration.reminded_at.is_(None))).all()
        for registration_id in ids:
            begin_write()
            claimed = db.session.execute(update(EventRegistration).where(
                EventRegistration.id == registration_id, EventRegistration.status == "confirmed",
                EventRegistration.reminded_at.is_(None)).values(reminded_at=at)).rowcount
            if claimed:
                registration = db.session.get(EventRegistration, registration_id, populate_existing=True)
                queue_email(registration, pages.get(registration.lang) or due[slug], "reminder")
                queue_sms(registration, "event-reminder")
                queued += 1
            db.session.commit()
    return queued


def rate(registration, level, facts, at=None):
    """Save the registrant's rating once, after the event. Returns 'saved' or why not."""
    at = at or now()
    decision = rules.may_rate(facts, registration.status, registration.rating_level is not None, at)
    if decision != "yes":
        return decision
    if not rules.valid_level(level):
        return "bad-level"
    begin_write()
    saved = db.session.execute(update(EventRegistration).where(
        EventRegistration.id == registration.id, EventRegistration.rating_level.is_(None))
        .values(rating_level=level, rated_at=at)).rowcount
    db.session.commit()
    return "saved" if saved else "rated"


def scrub_past(catalog, at=None, days=KEEP_DAYS_AFTER_EVENT):
    """Remove registrants' personal data of events that ended more than `days` ago (and of
    registrations whose event no longer exists, after the same time from registration). Status,
    dates, attendance and rating stay for the report. Returns how many were scrubbed. Does not commit."""
    at = at or now()
    cutoff = at - timedelta(days=days)
    ended = {page.slug for page in event_pages("zh", catalog) if page.event.ends < cutoff}
    known = {page.slug for page in event_pages("zh", catalog)}
    rows = db.session.scalars(select(EventRegistration).where(EventRegistration.anonymized_at.is_(None))).all()
    scrubbed = 0
    for registration in rows:
        gone = registration.event_slug not in known and as_utc(registration.created_at) < cutoff
        if registration.event_slug in ended or gone:
            scrub(registration, at)
            scrubbed += 1
    return scrubbed


def scrub(registration, at):
    """Remove one registration's personal data and the delivered messages to it. Does not commit."""
    addresses = [value for value in (registration.email, registration.phone,
                                     validators.mobile_e164(registration.phone)) if value]
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.purpose.like("event-%"),
                                                   OutboxMessage.status != "pending",
                                                   OutboxMessage.recipient.in_(addresses)))
    for name in PERSONAL_FIELDS:
        setattr(registration, name, "")
    registration.contact_key = f"removed-{registration.id}"
    registration.credit_code, registration.answers = None, {}
    registration.anonymized_at = at


def registrations_of(email):
    """A person's registrations, by the e-mail address they registered with (any case)."""
    return db.session.scalars(select(EventRegistration).where(
        EventRegistration.contact_key == email.strip().lower(), EventRegistration.anonymized_at.is_(None))
        .order_by(EventRegistration.id)).all()


def export(registrations):
    """Their registrations as JSON-serialisable dicts (PIPL art. 45)."""
    return [{"number": r.number, "event": r.event_slug, "status": r.status, "registered_at": r.created_at.isoformat(),
             "organisation": r.organisation, "credit_code": r.credit_code, "contact_name": r.contact_name,
             "phone": r.phone, "email": r.email, "answers": r.answers, "shares_with_banks": r.share_with_banks,
             "sms": r.sms_consent, "attended": r.attended_at is not None, "rating": r.rating_level}
            for r in registrations]


def waiting_ahead(registration):
    """How many are before this registration on the waiting list."""
    return db.session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_slug == registration.event_slug, EventRegistration.status == "waiting",
        EventRegistration.position < registration.position))
