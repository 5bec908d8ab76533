"""/<lang>/staff/…: the queue, one request and its actions, downloads and the export.

Every route checks the role on the server, and every request is looked up through
service.visible_requests(): a request of another institution is a 404, the same answer as one
that does not exist.
"""

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from portal import sla
from portal.accounts import auth
from portal.casework import service, workflow
from portal.casework.forms import ActionForm, QueueFilterForm
from portal.db import db
from portal.forms import choice_list
from portal.models import AssistanceRequest, Attachment, Institution, User
from portal.params import whole_number
from portal.spreadsheet import csv_response
from portal.vocab import COUNTIES, INDUSTRIES, OPEN_STATUSES, REQUEST_TYPES, STATUS_LABELS
from portal.web import private

bp = Blueprint("casework", __name__, template_folder="templates")
PAGE_SIZE = 25

def action_labels():
    return {
        "accept": _("Accept"), "decline": _("Decline and pass it on"), "note": _("Add an internal note"),
        "reply": _("Reply to the requester"), "call": _("Record a phone call"), "answer": _("Mark as answered"),
        "close": _("Close"),
        "reopen": _("Reopen"), "reassign": _("Reassign"), "close-unanswered": _("Close without an answer"),
    }


def event_names():
    """The staff timeline's names for audit events."""
    return {
        "received": _("Received from the requester"), "assigned": _("Assigned"), "accepted": _("Accepted"),
        "decline": _("Declined"), "reassign": _("Reassigned"), "note": _("Internal note"),
        "replied": _("Reply sent to the requester"), "called": _("Phone call with the requester"),
        "answered": _("Marked as answered"), "closed": _("Closed"),
        "reopened": _("Reopened"), "escalated": _("Overdue: escalated to the coordinators"),
        "requester-message": _("Message from the requester"),
        "requester-resolved": _("The requester says the matter is resolved"),
        "sms-stopped": _("The requester stopped SMS"),
        "rated": _("The requester rated the request"),
        "consent-asked": _("Move to another kind of institution: waiting for the requester's consent"),
        "consent-given": _("The requester agreed to the move"),
        "consent-refused": _("The requester did not agree to the move: it stays here"),
        "follow-up-closed": _("Follow-up of the bad rating closed"),
        "follow-up-escalated": _("Follow-up of the bad rating overdue: escalated to the coordinators"),
    }


def actor_names():
    """Who did it, in words, for the actors that are not staff accounts."""
    return {"requester": _("The requester"), "routing": _("Routing rules"), "retention": _("Retention run"),
            "sla": _("Service clock")}


REFUSALS = {
    "not-allowed": lambda: _("That action is not possible in the request's current status."),
    "changed": lambda: _("Someone changed this request while you were reading it. Here is its current state; "
                         "please check and try again."),
    "missing-text": lambda: _("Please write the text first."),
    "no-institution": lambda: _("Choose an active institution."),
    "call-time": lambda: _("Give the date and time of the call: after the request arrived and not in the future."),
}


auth.private_area(bp)


# The queue

def filter_form():
    form = QueueFilterForm(request.args)
    form.status.choices = [SelectChoice("open", _("Open (not answered)")), SelectChoice("all", _("All"))] + [
        SelectChoice(key, STATUS_LABELS[key]) for key in workflow.ALL_STATUSES]
    form.type.choices = [SelectChoice("", _("All types"))] + choice_list(REQUEST_TYPES)
    form.county.choices = [SelectChoice("", _("All counties"))] + choice_list(COUNTIES)
    return form


@bp.get("/")
@auth.require_role(*auth.WORKSPACE_ROLES)
def queue():
    form = filter_form()
    actor = service.Actor.of(current_user)
    query = service.visible_requests(actor)
    problems = []
    if form.validate():
        status = form.status.data
        if status == "open":
            query = query.where(AssistanceRequest.status.in_(OPEN_STATUSES))
        elif status != "all":
            query = query.where(AssistanceRequest.status == status)
        if form.type.data:
            query = query.where(AssistanceRequest.request_type == form.type.data)
        if form.county.data:
            query = query.where(AssistanceRequest.county == form.county.data)
        if form.overdue.data:
            query = query.where(*service.overdue_condition(datetime.now(UTC)))
    else:
        problems = [_("Some filters were not valid and were ignored.")]
        query = query.where(AssistanceRequest.status.in_(OPEN_STATUSES))
    page = whole_number(request.args.get("page", "1"), 1, 99999) or 1
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AssistanceRequest.due_at.is_(None), AssistanceRequest.due_at,
                                             AssistanceRequest.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    pages = max(1, -(-total // PAGE_SIZE))
    keep = {k: v for k, v in request.args.items() if k in ("status", "type", "county", "overdue")}
    return render_template("casework/queue.html", form=form, rows=rows, total=total, page=min(page, pages),
                           unread=service.unread_messages([row.id for row in rows]),
                           pages=pages, keep=keep, problems=problems, is_overdue=service.is_overdue,
                           status_labels=STATUS_LABELS, type_labels=REQUEST_TYPES, counties=COUNTIES)


@bp.get("/requests/<int:request_id>")
@auth.require_role(*auth.WORKSPACE_ROLES)
def detail(request_id, form=None, refusal=None):
    actor = service.Actor.of(current_user)
    req = service.find_visible(actor, request_id)
    if req is None:
        abort(404)
    institutions = {i.id: i for i in db.session.scalars(select(Institution).order_by(Institution.id))}
    users = {u.id: u for u in db.session.scalars(select(User))}
    form = form or ActionForm()
    # Institutions that provide this service first and alone, unless "show all" was asked for.
    show_all = request.args.get("all") == "1"
    form.institution.choices = [SelectChoice(str(i.id), i.name(g.lang)) for i in institutions.values()
                                if i.active and (show_all or req.request_type in (i.services or []))]
    return private((render_template(
        "casework/request.html", req=req, form=form, refusal=refusal,
        actions=workflow.available(req.status, actor.role),
        action_labels=action_labels(), event_names=event_names(), status_labels=STATUS_LABELS,
        type_labels=REQUEST_TYPES, counties=COUNTIES, industries=INDUSTRIES, overdue=service.is_overdue(req),
        users=users, institutions=institutions, show_all_institutions=show_all, actor_names=actor_names(),
        detail_labels=current_app.extensions["request_detail_labels"].get(req.request_type, {})),
        409 if refusal else 200))


@bp.post("/requests/<int:request_id>")
@auth.require_role(*auth.WORKSPACE_ROLES)
def act(request_id):
    actor = service.Actor.of(current_user)
    if service.find_visible(actor, request_id) is None:
        return passed_on(actor, request_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return detail(request_id, form=form, refusal=_("Please check the text: %(problem)s",
                                                       problem="; ".join(str(e) for errs in form.errors.values()
                                                                         for e in errs)))
    institution_id = whole_number(form.institution.data, 1)
    try:
        called_at = sla.parse_local_moment(form.called_at.data) if form.action.data == "call" else None
    except (ValueError, OverflowError):  # OverflowError: year 1 is out of range once moved to UTC
        return detail(request_id, form=form, refusal=REFUSALS["call-time"]())
    try:
        service.act(actor, request_id, form.action.data, seen_status=form.seen_status.data,
                    seen_version=whole_number(form.seen_version.data, 1), text=form.text.data,
                    institution_id=institution_id, called_at=called_at)
    except service.ActionRefused as refused:
        return detail(request_id, form=form, refusal=REFUSALS[refused.reason]())
    except service.NotVisible:
        return passed_on(actor, request_id)
    flash(_("Done: %(action)s.", action=action_labels().get(form.action.data, form.action.data)), "success")
    if service.find_visible(actor, request_id) is None:  # declined or reassigned away from this institution
        return redirect(url_for("casework.queue"), code=303)
    return redirect(url_for("casework.detail", request_id=request_id), code=303)


def passed_on(actor, request_id):
    """A request the actor cannot act on: passed to another institution while they were reading
    it (409, told so), or never theirs (404)."""
    if not service.once_held(actor, request_id):
        abort(404)
    return private((render_template("error.html", code=409, title=_("This request has changed"),
                                    explanation=_("Someone changed this request while you were reading it: it is "
                                                  "no longer in your queue, and what you did was not applied."),
                                    incident=None), 409))


@bp.get("/requests/<int:request_id>/attachments/<int:attachment_id>")
@auth.require_role(*auth.WORKSPACE_ROLES)
def attachment(request_id, attachment_id):
    req = service.find_visible(service.Actor.of(current_user), request_id)
    file = db.session.get(Attachment, attachment_id) if req else None
    if file is None or file.request_id != req.id:
        abort(404)
    path = current_app.config["UPLOAD_DIR"] / file.stored_name
    if not path.is_file():
        abort(404)
    # Always a download, never shown inline: a file that a browser could run as a page never
    # runs on the portal's origin.
    response = send_file(path, mimetype=file.content_type, as_attachment=True, download_name=file.original_name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/export.csv")
@auth.require_role(*auth.WORKSPACE_ROLES)
def export():
    return csv_response(service.export_rows(service.Actor.of(current_user)), f"requests-{datetime.now(UTC):%Y%m%d}.csv")
