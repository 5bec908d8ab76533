"""The demo events of `flask seed demo` (and `flask events demo`): a financing day that is full
with a waiting list, a training and a school session with slots, each marked demo in its title,
its text and `demo: true`, dated from the day they are loaded, published straight into the content
store, with demo registrations (addresses under .invalid). Never in production; never a real
organisation's details.

They are loaded only once the store holds the shipped library (`flask content import` first, as
`make run` does): a store with nothing but demo events would hide every other page.
"""

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from portal.content import live_catalog, store
from portal.db import db
from portal.events.models import EventRegistration, EventSeats
from portal.sla import BEIJING

FOLDER = Path(__file__).parent / "demo"
FULL_EVENT, WAITING = "demo-financing-day", 3
SLUGS = {"financing-day": FULL_EVENT, "training": "demo-training", "school-session": "demo-school-session"}


def demo_text(raw, today):
    """A demo file's text with its dates filled in from `today` (Beijing)."""
    marks = {"@TODAY@": today, "@DM1@": today - timedelta(days=1)}
    for days in (13, 14, 20, 21, 29, 30, 31):
        marks[f"@D{days}@"] = today + timedelta(days=days)
    for mark, day in marks.items():
        raw = raw.replace(mark, day.isoformat())
    return raw


def _publish(section, slug, lang, text, at):
    document = db.session.scalar(select(store.ContentDocument).where(store.ContentDocument.section == section,
                                                                    store.ContentDocument.slug == slug))
    if document is None:
        document = store.ContentDocument(section=section, slug=slug, status="published", created_at=at, updated_at=at)
        db.session.add(document)
        db.session.flush()
    if db.session.get(store.ContentLanguage, (document.id, lang)) is not None:
        return False
    revision = store.ContentRevision(document_id=document.id, lang=lang, text=text, source="shipped", created_at=at,
                                     change_note="demo")
    db.session.add(revision)
    db.session.flush()
    db.session.add(store.ContentLanguage(document_id=document.id, lang=lang, head_revision_id=revision.id,
                                         live_revision_id=revision.id, shipped_revision_id=revision.id,
                                         published_at=at))
    return True


def _demo_registrations(capacity, at):
    """The full financing day: every place taken and WAITING on the waiting list, all demo."""
    if db.session.scalar(select(EventRegistration.id).where(EventRegistration.event_slug == FULL_EVENT).limit(1)):
        return
    total = capacity + WAITING
    for number in range(1, total + 1):
        confirmed = number <= capacity
        db.session.add(EventRegistration(
            event_slug=FULL_EVENT, lang="zh", token=secrets.token_urlsafe(32),
            status="confirmed" if confirmed else "waiting", position=number, applicant_kind="enterprise",
            organisation=f"演示企业{number}（演示）", credit_code=None, contact_name=f"演示联系人{number}",
            phone="", email=f"registrant-{number}@demo.invalid", contact_key=f"registrant-{number}@demo.invalid",
            answers={"need": "演示数据", "rights": "演示数据"}, share_with_banks=number % 2 == 1,
            sms_consent=False, privacy_version="demo", created_at=at, confirmed_at=at if confirmed else None))
    db.session.add(EventSeats(slug=FULL_EVENT, next_position=total))


def load_demo(now=None):
    """Publish the demo events (those not there yet) and the full event's registrations."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("demo events are not loaded in production")
    if not store.has_documents():
        return "the content store is empty: run `flask content import` first; no demo events loaded"
    at = now or datetime.now(UTC)
    today = at.astimezone(BEIJING).date()
    added = 0
    for path in sorted(FOLDER.glob("*.md")):
        name, _, lang = path.stem.rpartition(".")
        added += _publish("events", SLUGS[name], lang, demo_text(path.read_text(encoding="utf-8"), today), at)
    capacity = 10
    _demo_registrations(capacity, at)
    if added:
        generation = store.raise_generation()
        db.session.commit()
        live_catalog(current_app).announce(generation)
        live_catalog(current_app).rebuild()
    db.session.commit()
    return f"{added} demo event pages published"
