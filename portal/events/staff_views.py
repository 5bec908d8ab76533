"""/<lang>/staff/events/…: the organising institution's staff (and the city's coordinators) see
an event's registrations, export them as CSV, print a sign-in sheet, mark attendance and write
to every registrant. A partner bank's staff see, for a financing day they take part in, only the
confirmed registrants who agreed to share with the banks, and nothing else."""

from datetime import datetime

from flask import abort, g, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.events import service
from portal.events.blueprint import bp
from portal.events.forms import CheckInForm, MessageForm, beijing_span, level_labels
from portal.params import whole_number
from portal.sla import BEIJING
from portal.spreadsheet import csv_response
from portal.vocab import COUNTIES
from portal.web import saved

FULL, BANKS = "full", "banks"


def access(page):
    """FULL for the organiser's staff and coordinators, BANKS for a partner bank's staff, else None."""
    if current_user.role == "coordinator":
        return FULL
    institution = current_user.institution
    if institution is None:
        return None
    if institution.slug == page.event.organiser:
        return FULL
    if institution.slug in page.event.partners and institution.kind == "bank":
        return BANKS
    return None


def _event_or_404(slug, need=FULL):
    page = service.event_page(slug, g.lang) or next(iter(service.pages_by_lang(slug).values()), None)
    if page is None or not page.event:
        abort(404)
    level = access(page)
    if level is None or (need == FULL and level != FULL):
        abort(404)  # not theirs: as if there were no such event
    return page, level


@bp.get("/staff/events/")
def staff_index():
    pages = [page for page in service.event_pages(g.lang) if access(page)]
    pages.sort(key=lambda page: page.event.starts, reverse=True)
    return render_template("events/staff_index.html", pages=pages,
                           counts={page.slug: service.counts(page.slug) for page in pages}, access=access)


def _detail(page, level, message_form=None, code=200):
    rows = service.registrations(page.slug, banks_only=level == BANKS)
    return render_template("events/staff_event.html", page=page, facts=page.event, rows=rows, level=level,
                           counts=service.counts(page.slug), message_form=message_form or MessageForm(formdata=None),
                           check_in_form=CheckInForm(formdata=None), labels=level_labels(), slot_text=slot_text,
                           counties=COUNTIES), code


def slot_text(facts, registration):
    if registration.slot is None or registration.slot >= len(facts.slots):
        return ""
    slot = facts.slots[registration.slot]
    return beijing_span(slot.starts, slot.ends)


@bp.get("/staff/events/<slug>/")
def staff_event(slug):
    page, level = _event_or_404(slug, need=BANKS)
    return _detail(page, level)


@bp.post("/staff/events/<slug>/check-in")
def staff_check_in(slug):
    page, _level = _event_or_404(slug)
    form = CheckInForm()
    registration_id = whole_number(form.registration.data or "", 1, 2**31 - 1)
    if not form.validate() or registration_id is None or form.attended.data not in ("yes", "no"):
        abort(400)
    if not service.check_in(slug, registration_id, form.attended.data == "yes", f"user:{current_user.id}"):
        abort(404)
    return saved(_("Attendance saved."), url_for("events.staff_event", slug=slug) + f"#r{registration_id}")


@bp.post("/staff/events/<slug>/message")
def staff_message(slug):
    page, level = _event_or_404(slug)
    form = MessageForm()
    if not form.validate():
        return form_page_detail(page, level, form)
    sent = service.message_all(slug, service.pages_by_lang(slug), form.subject.data, form.text.data,
                               f"user:{current_user.id}", form.include_waiting.data)
    return saved(_("Your message is queued for %(count)s registrants.", count=sent),
                 url_for("events.staff_event", slug=slug))


def form_page_detail(page, level, form):
    return _detail(page, level, message_form=form, code=400)


def _rows_for_sheet(page):
    return [r for r in service.registrations(page.slug) if r.status == "confirmed"]


@bp.get("/staff/events/<slug>/registrations.csv")
def staff_export(slug):
    page, _level = _event_or_404(slug)
    facts = page.event
    header = [_("Number"), _("Status"), _("Waiting list position"), _("Organisation"),
              _("Unified social credit code"), _("Contact person"), _("Phone"), _("E-mail"),
              *(question.label for question in facts.questions), _("Time"), _("Shares with banks"), _("Attended"),
              _("Registered at (Beijing time)")]
    rows = [header]
    waiting = 0
    for r in service.registrations(page.slug):
        waiting += r.status == "waiting"
        rows.append([r.number, _("Confirmed") if r.status == "confirmed" else _("Waiting list"),
                     waiting if r.status == "waiting" else "", r.organisation, r.credit_code or "", r.contact_name,
                     r.phone, r.email, *(r.answers.get(q.id, "") for q in facts.questions), slot_text(facts, r),
                     _("yes") if r.share_with_banks else _("no"), _("yes") if r.attended_at else _("no"),
                     r.created_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")])
    return csv_response(rows, f"{slug}-registrations.csv")


@bp.get("/staff/events/<slug>/sign-in-sheet")
def staff_sign_in_sheet(slug):
    page, _level = _event_or_404(slug)
    return render_template("events/sign_in_sheet.html", page=page, facts=page.event, rows=_rows_for_sheet(page),
                           printed=datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"), slot_text=slot_text,
                           counties=COUNTIES)
