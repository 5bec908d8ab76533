"""/<lang>/admin/…: every change here is an audit event with the administrator, the time and
what the record was before and after."""

import json

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts import auth, identity
from portal.accounts.links import send_account_link
from portal.admin.forms import IndicatorValueForm, InstitutionForm, RequesterForm, RuleForm, TryForm, UserForm
from portal.db import db
from portal.indicators.latest import InvalidIndicatorValue, display_number, latest_values, set_latest
from portal.indicators.plan import load_plan
from portal.institutions import assignment, routing
from portal.limits import configured, limiter
from portal.models import AuditEvent, Institution, RoutingRule, User
from portal.params import whole_number
from portal.privacy import retention
from portal.vocab import COUNTIES, INDUSTRIES, INSTITUTION_KINDS, REQUEST_TYPES
from portal.web import form_page, private, saved

bp = Blueprint("admin", __name__, template_folder="templates")
INSTITUTION_FIELDS = ("slug", "kind", "name_zh", "name_en", "services", "counties", "email", "phone", "address_zh",
                      "address_en", "active")
RULE_FIELDS = ("priority", "request_type", "county", "industry", "institution_id", "note", "active")
USER_FIELDS = ("email", "name", "role", "institution_id", "lang", "active")


auth.private_area(bp, "admin")


def shown(record):
    """The record to prefill a form from: on GET only. On POST a form holds what was sent and
    nothing else, so a field left out is an error rather than silently the old value."""
    return record if request.method == "GET" else None


def record_or_404(model, record_id):
    """None for a new record (no id in the address), the row for an existing one, else 404."""
    if record_id is None:
        return None
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def save_audited(name, before, record, fields, created=None):
    """Commit a created or changed record with its audit event (`<name>-created`/`-changed`)."""
    db.session.flush()  # a new record gets its id for the event
    audit((created or f"{name}-created") if before is None else f"{name}-changed", before,
          {"id": record.id, **snapshot(record, fields)})
    db.session.commit()


def snapshot(record, fields):
    return {name: getattr(record, name) for name in fields}


def audit(action, before, after):
    db.session.add(AuditEvent(actor=f"user:{current_user.id}", action=action, before=before, after=after))


@bp.get("/")
def index():
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id.is_(None))
                                .order_by(AuditEvent.id.desc()).limit(30)).all()
    return render_template("admin/index.html", events=events)


# Institutions

@bp.get("/institutions")
def institutions():
    rows = db.session.scalars(select(Institution).order_by(Institution.kind, Institution.slug)).all()
    return render_template("admin/institutions.html", rows=rows, kinds=INSTITUTION_KINDS)


@bp.route("/institutions/new", methods=["GET", "POST"], defaults={"institution_id": None})
@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
def institution(institution_id):
    record = record_or_404(Institution, institution_id)
    form = InstitutionForm(obj=shown(record))
    if form.validate_on_submit():
        clash = db.session.scalar(select(Institution).where(Institution.slug == form.slug.data,
                                                            Institution.id != (institution_id or 0)))
        if clash:
            form.slug.errors = [_("Another institution uses this short name.")]
        else:
            before = snapshot(record, INSTITUTION_FIELDS) if record else None
            if record is None:
                record = Institution(is_demo=False)
                db.session.add(record)
            form.populate_obj(record)
            record.email = record.email.lower()
            save_audited("institution", before, record, INSTITUTION_FIELDS)
            assignment.forget_routing_tables()
            return saved(_("Saved."), url_for("admin.institutions"))
    return form_page("admin/institution_form.html", form=form, record=record)


# Staff accounts

def institution_choices():
    return [SelectChoice("", _("None"))] + [SelectChoice(str(i.id), i.name(g.lang)) for i in
                                db.session.scalars(select(Institution).order_by(Institution.slug))]


@bp.get("/users")
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", rows=rows, roles=auth.ROLES)


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_RATE_LIMIT"), methods=["POST"], exempt_when=lambda: not typed_a_password())
def user(user_id):
    record = record_or_404(User, user_id)
    form = UserForm(obj=shown(record))
    form.institution.choices = institution_choices()
    if shown(record):
        # the field is the id; the account's attribute of that name is the institution itself
        form.institution.data = str(record.institution_id or "")
    if form.validate_on_submit():
        institution_id = whole_number(form.institution.data, 1)
        email = form.email.data.lower()
        if institution_id is not None and db.session.get(Institution, institution_id) is None:
            form.institution.errors = [_("Choose an institution from the list.")]
        elif form.role.data in auth.WORKSPACE_ROLES and institution_id is None:
            form.institution.errors = [_("Institution staff and coordinators belong to an institution.")]
        elif db.session.scalar(select(User).where(User.email == email, User.id != (user_id or 0))):
            form.email.errors = [_("Another account uses this e-mail address.")]
        elif record is not None and record.id == current_user.id and not (form.role.data == "admin"
                                                                          and form.active.data):
            form.role.errors = [_("You cannot remove your own administrator access.")]
        elif record is not None and (record.role != form.role.data or record.email != email) \
                and not confirmed_here(form, _("To change someone's role or e-mail address, give your own "
                                               "password again (and your code, if you use an "
                                               "authenticator app).")):
            pass  # the form comes back with everything typed, asking for the password here
        else:
            before = snapshot(record, USER_FIELDS) if record else None
            if record is None:
                record = User(session_version=1)
                db.session.add(record)
            was_active = record.active if before else True
            record.email, record.name, record.role = email, form.name.data.strip(), form.role.data
            record.institution_id, record.lang, record.active = institution_id, form.lang.data, form.active.data
            if before and (was_active and not record.active or before["role"] != record.role
                           or before["email"] != record.email):
                # A closed account, a new role or a new address signs in again; the session version
                # is in every password link too, so links sent before stop working.
                auth.end_sessions(record)
            if before is None:
                db.session.flush()  # the invitation link names the new account's id
                send_account_link(record, "invite")
            save_audited("user", before, record, USER_FIELDS, created="user-invited")
            return saved(_("Invitation sent.") if before is None else _("Saved."), url_for("admin.users"))
    return confirm_page("admin/user_form.html", form, record=record)


def confirmed_here(form, why):
    """A change that needs a fresh confirmation: given in the last five minutes, or now with the
    password (and code) typed on the form. Else the field says `why` (or that what was typed is
    wrong) and everything typed stays on the form."""
    if auth.recently_confirmed():
        return True
    if form.confirm_password.data and identity.confirm(current_user.user, form.confirm_password.data,
                                                       form.confirm_code.data):
        return True
    form.confirm_password.errors = [_("The password or the code is not correct.") if form.confirm_password.data
                                    else why]
    return False


def confirm_page(template, form, **context):
    """form_page, with the inline confirmation's fields when the form asks for them."""
    return form_page(template, form=form, confirming=bool(form.confirm_password.errors or form.confirm_code.errors),
                     enrolled=bool(current_user.totp_secret), **context)


def typed_a_password():
    """The inline confirmation is a password guess like a sign-in: limited like one."""
    return bool(request.form.get("confirm_password"))


@bp.post("/users/<int:user_id>/second-factor/reset")
def reset_second_factor(user_id):
    """An administrator's reset of someone's second factor (a lost phone): audited, and every
    session of that account ends; they enrol again at their next sign-in."""
    record = record_or_404(User, user_id)
    if not auth.recently_confirmed():
        # A POST cannot be repeated by a redirect: back to the account's page after confirming.
        flash(_("Give your password again first, then press the reset button once more."), "info")
        return redirect(url_for("accounts.confirm", next=url_for("admin.user", user_id=record.id)), code=303)
    if record.totp_secret:
        record.totp_secret, record.totp_last_step, record.recovery_hashes = None, None, []
        auth.end_sessions(record)
        audit("second-factor-reset", None, {"id": record.id})
        db.session.commit()
        flash(_("The second step was reset. They set it up again at their next sign-in."), "success")
    return redirect(url_for("admin.user", user_id=record.id), code=303)


@bp.post("/users/<int:user_id>/invite")
def reinvite(user_id):
    record = record_or_404(User, user_id)
    if record.password_hash or not record.active:
        flash(_("This account has a password already or is not active; no invitation was sent."), "info")
    else:
        send_account_link(record, "invite")
        audit("user-reinvited", None, {"id": record.id})
        db.session.commit()
        flash(_("Invitation sent."), "success")
    return redirect(url_for("admin.users"), code=303)


# Routing rules

@bp.get("/rules")
def rules():
    rows = db.session.scalars(select(RoutingRule).order_by(RoutingRule.priority.desc(), RoutingRule.id)).all()
    names = {i.id: i for i in db.session.scalars(select(Institution))}
    return render_template("admin/rules.html", rows=rows, institutions=names, type_labels=REQUEST_TYPES,
                           counties=COUNTIES, industries=INDUSTRIES)


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
def rule(rule_id):
    record = record_or_404(RoutingRule, rule_id)
    form = RuleForm(obj=shown(record), data={"institution": str(record.institution_id)} if record else None)
    form.institution.choices = institution_choices()[1:]
    if form.validate_on_submit():
        institution_id = whole_number(form.institution.data, 1)
        if institution_id is None or db.session.get(Institution, institution_id) is None:
            form.institution.errors = [_("Choose an institution from the list.")]
        else:
            before = snapshot(record, RULE_FIELDS) if record else None
            if record is None:
                record = RoutingRule()
                db.session.add(record)
            record.priority, record.institution_id = form.priority.data, institution_id
            record.request_type = form.request_type.data or None
            record.county, record.industry = form.county.data or None, form.industry.data or None
            record.note, record.active = form.note.data or "", form.active.data
            save_audited("rule", before, record, RULE_FIELDS)
            assignment.forget_routing_tables()
            return saved(_("Saved."), url_for("admin.rules"))
    return form_page("admin/rule_form.html", form=form, record=record)


@bp.post("/rules/<int:rule_id>/delete")
def delete_rule(rule_id):
    record = record_or_404(RoutingRule, rule_id)
    audit("rule-deleted", {"id": record.id, **snapshot(record, RULE_FIELDS)}, None)
    db.session.delete(record)
    db.session.commit()
    assignment.forget_routing_tables()
    return saved(_("The rule was deleted."), url_for("admin.rules"))


@bp.get("/rules/try")
def try_rules():
    """Which rule would fire for a request like this, and why (reads only; nothing is saved)."""
    form = TryForm(request.args)
    result = None
    if request.args and form.validate():
        facts = routing.RequestFacts(form.request_type.data, form.county.data, form.industry.data)
        assignment.forget_routing_tables()  # show the rules as they are now, not as cached
        institutions, rules = assignment.routing_tables()
        candidates = {i.id: routing.Candidate(i.id, i.active, 0) for i in institutions}
        centre = next((i for i in institutions if i.kind == "center" and i.active), None)
        matching = [r for r in rules if routing.rule_matches(r, facts)]
        decision = routing.route_request(facts, rules, candidates, centre.id) if centre else None
        result = {"assignment": decision, "matching": matching,
                  "institution": db.session.get(Institution, decision.institution_id) if decision else None}
    return render_template("admin/try.html", form=form, result=result,
                           names={i.id: i for i in db.session.scalars(select(Institution))})


# The plan's indicators: newly published values

def indicator_messages():
    return {
        "indicator": _("Choose an indicator from the list."),
        "value": _("Give a number of 0 or more, with a dot for decimals."),
        "as_of": _("Give the date of the figure (YYYY-MM-DD), between 2020-01-01 and today."),
        "source_title": _("Name the publication, in at most 300 characters."),
        "source_url": _("Give the publication's web address, starting with http:// or https://."),
    }


@bp.route("/indicators", methods=["GET", "POST"])
def indicators():
    plan = load_plan()
    form = IndicatorValueForm()
    form.indicator.choices = [SelectChoice(i.key, i.name(g.lang)) for i in plan.indicators]
    if form.validate_on_submit():
        try:
            row = set_latest(form.indicator.data, form.value.data, form.as_of.data, form.source_title.data,
                             form.source_url.data, entered_by=f"user:{current_user.id}")
        except InvalidIndicatorValue as invalid:
            for name in invalid.problems:
                form[{"indicator": "indicator"}.get(name, name)].errors = [indicator_messages()[name]]
        else:
            db.session.flush()
            audit("indicator-value-set", None, {"id": row.id, "indicator": row.indicator_key, "value": str(row.value),
                                                "as_of": row.as_of.isoformat(), "source_url": row.source_url})
            db.session.commit()
            return saved(_("Saved."), url_for("admin.indicators"))
    return render_template("admin/indicators.html", form=form, plan=plan, latest=latest_values(),
                           display_number=display_number), 200 if request.method == "GET" else 400


# A requester's data (PIPL: copy and deletion on request)

@bp.route("/requesters", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_RATE_LIMIT"), methods=["POST"], exempt_when=lambda: not typed_a_password())
def requesters():
    """A requester's personal data leaves or goes: the password again first (on the confirmation
    page before the form, or on the form itself once five minutes have passed, keeping what was typed)."""
    if request.method == "GET" and not auth.recently_confirmed():
        return auth.ask_to_confirm()
    form = RequesterForm()
    found = registrations = None
    if form.validate_on_submit() and confirmed_here(form, _("To find, copy or delete a requester's data, give "
                                                            "your own password again (and your code, if you "
                                                            "use an authenticator app).")):
        found = retention.requests_of(form.email.data)
        registrations = retention.registrations_of(form.email.data)  # event registrations
        operation = request.form.get("operation", "find")
        actor = f"user:{current_user.id}"
        if operation == "export" and (found or registrations):
            retention.record_export(found, actor, registrations)
            body = json.dumps(retention.export(found, registrations), ensure_ascii=False, indent=2)
            return Response(body, mimetype="application/json",
                            headers={"Content-Disposition": "attachment; filename=requester-data.json",
                                     "Cache-Control": "no-store"})
        if operation == "delete" and (found or registrations):
            if not form.confirm.data:
                form.confirm.errors = [_("Tick the box to confirm the deletion.")]
            else:
                files = retention.delete_personal_data(found, actor, registrations)
                flash(_("Personal data removed from %(count)s request(s) and %(files)s attachment(s).",
                        count=len(found), files=files), "success")
                if registrations:
                    flash(_("Personal data removed from %(count)s event registration(s).",
                            count=len(registrations)), "success")
                return redirect(url_for("admin.requesters"), code=303)
    page, status = confirm_page("admin/requesters.html", form, found=found, registrations=registrations)
    return private((page, 200 if request.method == "GET" or form.errors == {} else status))
