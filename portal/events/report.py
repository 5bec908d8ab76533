"""The events' columns of the public service report, per Beijing month of the event: events
held (ended by now), places taken, attendance and satisfaction (the share of ratings in the top
three of the five levels). Aggregates only: the query reads statuses, dates and levels."""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from portal.db import db
from portal.events.models import EventRegistration
from portal.events.service import event_pages
from portal.sla import BEIJING
from portal.vocab import SATISFIED_LEVELS


def monthly(pages, rows, year, at):
    """pages: event pages (one language); rows: (event slug, status, attended_at, rating_level) ->
    [(month, held, registrations, attended, rated, satisfied)], newest month first."""
    month_of = {page.slug: page.event.starts.astimezone(BEIJING).strftime("%Y-%m") for page in pages
                if page.event.starts.astimezone(BEIJING).year == year and page.event.ends <= at}
    table = {}
    for month in month_of.values():
        table.setdefault(month, [0, 0, 0, 0, 0])[0] += 1
    for slug, status, attended, level in rows:
        if slug not in month_of or status != "confirmed":
            continue
        counts = table[month_of[slug]]
        counts[1] += 1
        counts[2] += attended is not None
        counts[3] += level is not None
        counts[4] += level in SATISFIED_LEVELS
    return [(month, *counts) for month, counts in sorted(table.items(), reverse=True)]


def report_section(year, lang):
    """The section the service report shows: (title, column headings, rows of cells)."""
    at = datetime.now(UTC)
    rows = db.session.execute(select(EventRegistration.event_slug, EventRegistration.status,
                                     EventRegistration.attended_at, EventRegistration.rating_level)).all()
    table = monthly(event_pages(lang), rows, year, at)
    cells = [(month, held, registrations, attended,
              f"{round(satisfied * 100 / rated)} % ("
              + _("%(satisfied)s of %(rated)s", satisfied=satisfied, rated=rated) + ")" if rated else "—")
             for month, held, registrations, attended, rated, satisfied in table]
    return (_("Events"), (_("Month"), _("Events held"), _("Registrations with a place"), _("Attended"),
                          _("Satisfied (ratings)")), cells)
