"""/<lang>/staff/…: sign-in, passwords, the queue, one request and its actions, downloads, export.

Every route past the sign-in pages checks the role on the server, and every request is looked
up through service.visible_requests(): a request of another institution is a 404, the same
answer as one that does not exist.
"""

import csv
import io
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
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

from portal.content.schema import REQUEST_TYPES
from portal.db import db
from portal.intake.choices import COUNTIES, INDUSTRIES
from portal.intake.forms import choice_list
from portal.intake.statuses import STATUS_LABELS
from portal.intake.views import private
from portal.limits import limiter
from portal.models import AssistanceRequest, Attachment, Institution, OutboxMessage, User
from portal.notify import messages
from portal.params import whole_number
from portal.staff import auth, passwords, service, workflow
from portal.staff.forms import (
    ActionForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    QueueFilterForm,
    ResetRequestForm,
)

bp = Blueprint("staff", __name__)
PAGE_SIZE = 25

def action_labels():
    return {
        "accept": _("Accept"), "decline": _("Decline and pass it on"), "note": _("Add an internal note"),
        "reply": _("Reply to the requester"), "answer": _("Mark as answered"), "close": _("Close"),
        "reopen": _("Reopen"), "reassign": _("Reassign"), "close-unanswered": _("Close without an answer"),
    }


def event_names():
    """The staff timeline's names for audit events."""
    return {
        "received": _("Received from the requester"), "assigned": _("Assigned"), "accepted": _("Accepted"),
        "decline": _("Declined"), "reassign": _("Reassigned"), "note": _("Internal note"),
        "replied": _("Reply sent to the requester"), "answered": _("Marked as answered"), "closed": _("Closed"),
        "reopened": _("Reopened"), "escalated": _("Overdue: escalated to the coordinators"),
    }


REFUSALS = {
    "not-allowed": lambda: _("That action is not possible in the request's current status."),
    "changed": lambda: _("Someone changed this request while you were reading it. Here is its current state; "
                         "please check and try again."),
    "missing-text": lambda: _("Please write the text first."),
    "no-institution": lambda: _("Choose an active institution."),
}


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


auth.private_area(bp)  # the sign-in pages are open; every other route names its roles


def home_for(user):
    return url_for("admin.index") if user.role == "admin" else url_for("staff.queue")


# Sign-in and passwords

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    failed = False
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        ok = passwords.verify(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            user.last_login_at = datetime.now(UTC)
            db.session.commit()
            auth.start_session(user)
            return redirect(auth.safe_next(form.next.data, home_for(user)), code=303)
        failed = True  # the same words for an unknown address, a wrong password, a closed account
    status = 200 if request.method == "GET" else (401 if failed else 400)
    return render_template("staff/login.html", form=form, failed=failed), status


@bp.post("/logout")
def logout():
    auth.sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("staff.login"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.lower(), User.active))
        if user is not None and user.password_hash:
            send_account_link(user, "reset")
            db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("staff/reset_sent.html"), 200
    return render_template("staff/reset.html", form=form), 200 if request.method == "GET" else 400


def send_account_link(user, purpose):
    """Queue an invitation or reset e-mail (the caller commits)."""
    token = passwords.make_token(user, purpose)
    url = current_app.config["SITE_URL"] + url_for("staff.set_password", lang=user.lang, purpose=purpose, token=token)
    subject, body = messages.account_link(user, purpose, url)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    db.session.add(OutboxMessage(purpose=f"{purpose}-{user.id}-{stamp}", recipient=user.email, subject=subject,
                                 body=body))


@bp.route("/password/<any(invite, reset):purpose>/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def set_password(purpose, token):
    user = passwords.user_for_token(token, purpose, lambda user_id: db.session.get(User, user_id))
    if user is None:
        return render_template("staff/link_expired.html", purpose=purpose), 404
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user.password_hash = passwords.hash_password(form.password.data)
        auth.end_sessions(user)  # any session from before the reset ends; this link stops working
        db.session.commit()
        auth.start_session(user)
        flash(_("Your password is set. You are signed in."), "success")
        return redirect(home_for(user), code=303)
    return private((render_template("staff/set_password.html", form=form, purpose=purpose, account=user),
                    200 if request.method == "GET" else 400))


@bp.route("/account", methods=["GET", "POST"])
@auth.require_role("staff", "coordinator", "admin")
def account():
    form = ChangePasswordForm()
    user = current_user.user
    form.account_email = user.email
    if form.validate_on_submit():
        if not passwords.verify(user.password_hash, form.current.data):
            form.current.errors = [_("This is not your current password.")]
        else:
            user.password_hash = passwords.hash_password(form.password.data)
            auth.end_sessions(user)  # every other session ends; this one starts again
            db.session.commit()
            auth.start_session(user)
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("staff.account"), code=303)
    return render_template("staff/account.html", form=form, roles=auth.ROLES), 200 if request.method == "GET" else 400


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
            query = query.where(AssistanceRequest.status.in_(workflow.OPEN_STATUSES))
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
        query = query.where(AssistanceRequest.status.in_(workflow.OPEN_STATUSES))
    page = whole_number(request.args.get("page", "1"), 1, 99999) or 1
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AssistanceRequest.due_at.is_(None), AssistanceRequest.due_at,
                                             AssistanceRequest.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    pages = max(1, -(-total // PAGE_SIZE))
    keep = {k: v for k, v in request.args.items() if k in ("status", "type", "county", "overdue")}
    return render_template("staff/queue.html", form=form, rows=rows, total=total, page=min(page, pages),
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
    form.institution.choices = [SelectChoice(str(i.id), i.name(g.lang)) for i in institutions.values() if i.active]
    return private((render_template(
        "staff/request.html", req=req, form=form, refusal=refusal, actions=workflow.available(req.status, actor.role),
        action_labels=action_labels(), event_names=event_names(), status_labels=STATUS_LABELS,
        type_labels=REQUEST_TYPES, counties=COUNTIES, industries=INDUSTRIES, overdue=service.is_overdue(req),
        users=users, institutions=institutions), 409 if refusal else 200))


@bp.post("/requests/<int:request_id>")
@auth.require_role(*auth.WORKSPACE_ROLES)
def act(request_id):
    actor = service.Actor.of(current_user)
    if service.find_visible(actor, request_id) is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return detail(request_id, form=form, refusal=_("Please check the text: %(problem)s",
                                                       problem="; ".join(e for errs in form.errors.values()
                                                                         for e in errs)))
    institution_id = whole_number(form.institution.data, 1)
    try:
        service.act(actor, request_id, form.action.data, seen_status=form.seen_status.data, text=form.text.data,
                    institution_id=institution_id)
    except service.ActionRefused as refused:
        return detail(request_id, form=form, refusal=REFUSALS[refused.reason]())
    except LookupError:
        abort(404)
    flash(_("Done: %(action)s.", action=action_labels().get(form.action.data, form.action.data)), "success")
    if service.find_visible(actor, request_id) is None:  # declined or reassigned away from this institution
        return redirect(url_for("staff.queue"), code=303)
    return redirect(url_for("staff.detail", request_id=request_id), code=303)


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in service.export_rows(service.Actor.of(current_user)):
        writer.writerow([_csv_safe(value) for value in row])
    name = f"requests-{datetime.now(UTC):%Y%m%d}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def _csv_safe(value):
    # A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
