"""The public events pages: the list with its filters, an event with its registration form, the
registrant's private page (see, cancel, rate), and the Atom and iCalendar feeds."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.content import privacy_version
from portal.content.event_facts import EVENT_KINDS
from portal.events import feeds, rules, service
from portal.events.blueprint import bp
from portal.events.forms import CancelForm, RateForm, beijing_span, clean_values, level_labels, registration_form
from portal.limits import configured, limiter
from portal.sla import BEIJING
from portal.validators import is_token
from portal.vocab import AUDIENCES, COUNTIES, TOPICS
from portal.web import private, saved

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FEED_SIZE = 100


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    county: str = ""
    topic: str = ""
    month: str = ""
    unknown: tuple = ()

    def matches(self, page):
        facts = page.event
        return ((not self.kind or facts.kind == self.kind) and (not self.county or facts.county == self.county)
                and (not self.topic or self.topic in page.topics)
                and (not self.month or facts.starts.strftime("%Y-%m") == self.month))

    @property
    def query_args(self):
        return {key: value for key in ("kind", "county", "topic", "month") if (value := getattr(self, key))}


def parse_filters(args):
    """Filters from the query string; an unknown value is named (not echoed) and left out."""
    chosen, unknown = {}, []
    for name, allowed in (("kind", EVENT_KINDS), ("county", COUNTIES), ("topic", TOPICS)):
        value = args.get(name, "")
        if value and value not in allowed:
            unknown.append(name)
        elif value:
            chosen[name] = value
    month = args.get("month", "")
    if month and not MONTH.match(month):
        unknown.append("month")
    elif month:
        chosen["month"] = month
    return Filters(**chosen, unknown=tuple(unknown))


def beijing_time(moment):
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@bp.app_template_global("event_when")
def event_when(facts):
    return beijing_span(facts.starts, facts.ends)


@bp.get("/events")
def index():
    filters = parse_filters(request.args)
    g.keep_args = filters.query_args
    now = datetime.now(UTC)
    pages = [page for page in service.event_pages(g.lang) if filters.matches(page)]
    upcoming = sorted((p for p in pages if p.event.ends >= now), key=lambda p: p.event.starts)
    past = sorted((p for p in pages if p.event.ends < now), key=lambda p: p.event.starts, reverse=True)
    taken = {page.slug: service.counts(page.slug) for page in upcoming}
    months = sorted({p.event.starts.strftime("%Y-%m") for p in service.event_pages(g.lang)}, reverse=True)
    response = render_template("events/list.html", upcoming=upcoming, past=past, taken=taken, filters=filters,
                               kinds=EVENT_KINDS, counties=COUNTIES, topics=TOPICS, months=months, now=now,
                               refusal=rules.registration_refusal)
    return response, 400 if filters.unknown else 200


def _page_or_404(slug):
    page = service.event_page(slug, g.lang)
    if page is None:
        abort(404)
    return page


def refusal_text(reason):
    return {
        "not-open": _("Registration has not opened yet."),
        "closed": _("Registration for this event has closed."),
        "duplicate": _("This e-mail address is already registered for this event. Your confirmation e-mail "
                       "has the link to see or cancel the registration."),
        "slot-taken": _("Another school has just taken that time. Please choose one of the free times."),
        "no-slot": _("Please choose one of the free times."),
    }.get(reason, "")


def _event_page(page, form, code=200, refusal=None):
    facts = page.event
    now = datetime.now(UTC)
    taken = service.counts(page.slug)
    return private(render_template(
        "events/detail.html", page=page, facts=facts, form=form, taken=taken, now=now, kinds=EVENT_KINDS,
        counties=COUNTIES, topics=TOPICS, audiences=AUDIENCES, window=rules.registration_refusal(facts, now),
        refusal=refusal,
        refusal_text=refusal_text, free_slots=len(facts.slots) - len(service.taken_slots(page.slug)),
        opens=beijing_time(facts.opens), closes=beijing_time(facts.closes))), code


@bp.route("/events/<slug>", methods=["GET", "POST"])
@limiter.limit(configured("SUBMIT_RATE_LIMIT"), methods=["POST"])
def detail(slug):
    page = _page_or_404(slug)
    facts = page.event
    taken = service.taken_slots(slug) if facts.slots else frozenset()
    form = registration_form(facts, g.lang, formdata=None if request.method == "GET" else request.form, taken=taken)
    if request.method == "GET":
        return _event_page(page, form)
    if not form.validate():
        return _event_page(page, form, 400)
    registration, outcome = service.register(page, clean_values(form, facts), g.lang, privacy_version(g.lang))
    if registration is None:
        if outcome == "slot-taken":
            form = registration_form(facts, g.lang, formdata=request.form, taken=service.taken_slots(slug))
            form.validate()
        return _event_page(page, form, 409, refusal=outcome)
    message = (_("You are registered. We have sent a confirmation to %(email)s.", email=registration.email)
               if outcome == "confirmed" else
               _("The event is full, so you are on the waiting list. We will tell you by e-mail when a place "
                 "comes free."))
    return saved(message, url_for("events.registration", token=registration.token))


def _registration_or_404(token):
    registration = service.by_token(token) if is_token(token) else None
    if registration is None or registration.anonymized_at is not None:
        abort(404)
    pages = service.pages_by_lang(registration.event_slug)
    page = pages.get(g.lang) or next(iter(pages.values()), None)
    if page is None or not page.event:
        abort(404)
    return registration, page, pages


def _registration_page(registration, page, cancel_form=None, rate_form=None, code=200):
    now = datetime.now(UTC)
    ahead = service.waiting_ahead(registration) if registration.status == "waiting" else 0
    return private(render_template(
        "events/registration.html", registration=registration, page=page, facts=page.event,
        cancel_form=cancel_form or CancelForm(formdata=None), rate_form=rate_form or RateForm(formdata=None),
        may_rate=rules.may_rate(page.event, registration.status, registration.rating_level is not None, now),
        labels=level_labels(), ahead=ahead, started=now >= page.event.starts, counties=COUNTIES)), code


@bp.get("/events/registration/<token>")
def registration(token):
    registration, page, _pages = _registration_or_404(token)
    return _registration_page(registration, page)


@bp.post("/events/registration/<token>/cancel")
@limiter.limit(configured("SUBMIT_RATE_LIMIT"))
def cancel(token):
    registration, page, pages = _registration_or_404(token)
    form = CancelForm()
    if not form.validate():
        return _registration_page(registration, page, cancel_form=form, code=400)
    if page.event.starts <= datetime.now(UTC) or service.cancel(token, pages) is None:
        return redirect(url_for("events.registration", token=token), code=303)
    return saved(_("Your registration is cancelled. Thank you for telling us: the place goes to the next "
                   "person waiting."), url_for("events.registration", token=token))


@bp.post("/events/registration/<token>/rate")
@limiter.limit(configured("SUBMIT_RATE_LIMIT"))
def rate(token):
    registration, page, _pages = _registration_or_404(token)
    form = RateForm()
    if not form.validate():
        return _registration_page(registration, page, rate_form=form, code=400)
    outcome = service.rate(registration, form.level.data, page.event)
    if outcome != "saved":
        return _registration_page(registration, page, code=409)
    return saved(_("Thank you for your rating."), url_for("events.registration", token=token))


def _host():
    return urlsplit(current_app.config["SITE_URL"]).hostname or "portal"


def _ics(pages, filename):
    body = feeds.calendar(pages, current_app.config["SITE_URL"], _("Events · Hengshui IP Service Portal"), _host())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "public, max-age=300"})


@bp.get("/events/calendar.ics")
def calendar():
    return _ics(sorted(service.event_pages(g.lang), key=lambda p: p.event.starts), "events.ics")


@bp.get("/events/<slug>/calendar.ics")
def event_calendar(slug):
    return _ics([_page_or_404(slug)], f"{slug}.ics")


@bp.get("/events/feed.atom")
def feed():
    pages = sorted(service.event_pages(g.lang), key=lambda p: p.event.starts, reverse=True)[:FEED_SIZE]
    site = current_app.config["SITE_URL"]
    updated = max((page.updated for page in pages), default=date(2026, 1, 1))
    body = render_template("events/feed.xml", pages=pages, site=site, feed_updated=updated, kinds=EVENT_KINDS,
                           self_url=site + url_for("events.feed"), list_url=site + url_for("events.index"))
    return Response(body, mimetype="application/atom+xml")
