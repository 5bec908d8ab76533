"""/<lang>/requests/…: choose a type, fill the form, see the status, look a request up."""


from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import care
from portal.content import current_catalog, privacy_version
from portal.db import db
from portal.institutions import assignment
from portal.limits import configured, limiter
from portal.models import AssistanceRequest, Institution
from portal.requests import service, tracking
from portal.requests.forms import FORMS, ConsentMoveForm, RequesterMessageForm, StopSmsForm, own_fields
from portal.requests.uploads import MAX_BYTES, MAX_FILES, UploadRefused, check_uploads
from portal.validators import has_unreadable_characters, is_token
from portal.vocab import INDUSTRIES, INSTITUTION_KINDS, REQUEST_TYPES
from portal.web import private, status_url

bp = Blueprint("requests", __name__, template_folder="templates")
# The description field's own limit: a prefilled text never exceeds what could be submitted.
PREFILL_DESCRIPTION_MAX = 3000


UPLOAD_MESSAGES = {
    "too-many": lambda name: _("Attach at most %(count)s files.", count=MAX_FILES),
    "too-large": lambda name: _("“%(name)s” is larger than %(size)s MB.", name=name, size=MAX_BYTES // 2**20),
    "empty": lambda name: _("“%(name)s” is empty.", name=name),
    "type": lambda name: _("“%(name)s” is not a PDF, JPEG or PNG file.", name=name),
    "html": lambda name: _("“%(name)s” contains a web page as well as a document or picture, so it cannot be "
                           "accepted. Please save it again as a plain PDF, JPEG or PNG file.", name=name),
}


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(configured("SUBMIT_RATE_LIMIT"), methods=["POST"])
def new():
    request_type = request.args.get("type")
    if request_type not in FORMS:
        guides_by_type = {}
        for page in current_catalog().guides(g.lang):
            guides_by_type.setdefault(page.request_type, []).append(page)
        return render_template("requests/choose.html", request_types=REQUEST_TYPES, guides_by_type=guides_by_type)
    g.keep_args = {"type": request_type}
    form = FORMS[request_type]()
    if request.method == "GET" and request.args.get("topic") == "school":
        form.applicant_kind.data = "school"
    prefilled = request.method == "GET" and prefill(form, request.args)
    form.ensure_form_token()
    upload_error, files_dropped = None, False
    if form.validate_on_submit():
        try:
            uploads = check_uploads(request.files.getlist(form.attachments.name))
        except UploadRefused as refused:
            upload_error = UPLOAD_MESSAGES[refused.reason](refused.name)
            form.attachments.errors = [upload_error]
        else:
            values = {name: form[name].data if name in form else "" for name in (
                "form_token", "applicant_kind", "organisation", "credit_code", "contact_name", "phone", "email",
                "county", "industry", "description")}
            values["credit_code"] = values["credit_code"] or None
            values["sms_consent_version"] = privacy_version(g.lang) if form.sms_consent.data else None
            details = {name: _plain(form[name].data) for name in own_fields(form)}
            try:
                saved, _created = service.submit(
                    values, details, uploads, request_type=request_type, lang=g.lang,
                    privacy_version=privacy_version(g.lang), upload_dir=current_app.config["UPLOAD_DIR"],
                    status_url_for=lambda req: status_url(req, external=True),
                    site_url=current_app.config["SITE_URL"], sms_signature=current_app.config["SMS_SIGN_NAME"])
            except OSError as error:
                # Upload storage full, read-only or gone: submit() saved nothing and removed its
                # files. Say so and give the form back with everything typed still in it.
                current_app.logger.error("upload storage failed: %s", type(error).__name__)
                form.attachments.errors = [_("Your attachments could not be stored just now, so nothing was "
                                             "saved. Please try again later, or send the form without "
                                             "attachments.")]
                return private((render_form(request_type, form, files_dropped=True), 503))
            return redirect(status_url(saved) + "?submitted=1", code=303)
    if request.method == "POST":
        files_dropped = any(f.filename for f in request.files.getlist(form.attachments.name))
    if prefilled:
        return private(render_form(request_type, form))  # not the shared blank page: it holds their text
    if request.method == "GET":
        return private(blank_form(request_type, form))
    return private((render_form(request_type, form, files_dropped), 400))


def prefill(form, args):
    """Fill the description and industry from the query string, as the health check's result
    links do (GET only: a link never submits anything). Values are capped to what the form
    accepts and unknown industries ignored; the template escapes what is shown. True when
    anything was filled."""
    description = (args.get("description") or "").replace("\r\n", "\n")
    description = "".join(ch for ch in description if ch in "\n\t" or ch >= " ").strip()[:PREFILL_DESCRIPTION_MAX]
    industry = args.get("industry")
    if description:
        form.description.data = description
    has_industry = industry in INDUSTRIES and "industry" in form  # a school-visit form asks none
    if has_industry:
        form.industry.data = industry
    return bool(description) or has_industry


def render_form(request_type, form, files_dropped=False):
    guides = [p for p in current_catalog().guides(g.lang) if p.request_type == request_type]
    return render_template("requests/form.html", form=form, request_type=request_type,
                           type_label=REQUEST_TYPES[request_type], own_fields=own_fields(form),
                           files_dropped=files_dropped, guides=guides)


CSRF_SLOT, FORM_SLOT = "\x00csrf\x00", "\x00form\x00"


def blank_form(request_type, form):
    """An empty form is the same page for everyone but for its two tokens: render it once per
    process and type, then put each visitor's tokens in (most of a GET's cost was rendering)."""
    key = (g.lang, request_type, form.applicant_kind.data, care.from_request(request))  # 关怀版 has its own copy
    cache = current_app.extensions.setdefault("blank_forms", {})
    page = cache.get(key)
    if page is None:
        html = render_form(request_type, form)
        page = html.replace(form.csrf_token.current_token, CSRF_SLOT).replace(form.form_token.data, FORM_SLOT)
        cache[key] = page
    return page.replace(CSRF_SLOT, form.csrf_token.current_token).replace(FORM_SLOT, form.form_token.data)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _by_status_token(token, for_update=False):
    if not is_token(token):
        abort(404)
    query = select(AssistanceRequest).where(AssistanceRequest.status_token == token)
    req = db.session.scalar(query.with_for_update() if for_update else query)
    if req is None:
        abort(404)
    return req


@bp.get("/status/<token>")
def status(token):
    return private(status_page(_by_status_token(token)))


def status_page(req, message_form=None, code=200):
    timeline = [event for event in req.events if event.public]
    # Each placement names its institution: the requester is told which one has it now.
    placed = {event.after.get("institution") for event in timeline if event.action == "assigned" and event.after}
    institutions = {i.id: i.name(g.lang) for i in db.session.scalars(
        select(Institution).where(Institution.id.in_(placed - {None})))} if placed else {}
    pending = db.session.get(Institution, req.pending_move["institution"]) if req.pending_move else None
    return render_template("requests/status.html", req=req, timeline=timeline, institutions=institutions,
                           pending=pending, pending_kind=INSTITUTION_KINDS.get(pending.kind) if pending else None,
                           consent_form=ConsentMoveForm(),
                           submitted=request.args.get("submitted") == "1",
                           type_label=REQUEST_TYPES[req.request_type], stop_form=StopSmsForm(),
                           message_form=message_form or RequesterMessageForm(),
                           sent=request.args.get("sent") == "1", rated=request.args.get("rated") == "1"), code


@bp.route("/status/<token>/message", methods=["GET", "POST"])
@limiter.limit(configured("SUBMIT_RATE_LIMIT"), methods=["POST"])
def message(token):
    """The requester answers on the status page. A GET (the address opened by hand) shows the page."""
    if request.method == "GET":
        return redirect(status_url(_by_status_token(token)), code=303)
    req = _by_status_token(token, for_update=True)
    form = RequesterMessageForm()
    if req.anonymized_at is not None:
        abort(404)
    if not form.validate_on_submit():
        return private(status_page(req, form, 400))
    try:
        uploads = check_uploads(request.files.getlist(form.attachments.name))
    except UploadRefused as refused:
        form.attachments.errors = [UPLOAD_MESSAGES[refused.reason](refused.name)]
        return private(status_page(req, form, 400))
    if not form.message.data and not uploads and not form.resolved.data:
        form.message.errors = [_("Write a message, add a document or tick that the matter is resolved.")]
        return private(status_page(req, form, 400))
    try:
        service.requester_message(req, form.message.data, uploads, form.resolved.data,
                                  current_app.config["UPLOAD_DIR"], current_app.config["SITE_URL"])
    except OSError as error:
        current_app.logger.error("upload storage failed: %s", type(error).__name__)
        form.attachments.errors = [_("Your attachments could not be stored just now, so nothing was sent. "
                                     "Please try again later, or send the message without attachments.")]
        return private(status_page(req, form, 503))
    return redirect(status_url(req) + "?sent=1", code=303)


@bp.route("/status/<token>/consent-move", methods=["GET", "POST"])
def consent_move(token):
    """The requester agrees that the request goes to the other kind of institution staff chose; it
    is placed there now, with the consent's version on the timeline. A GET changes nothing."""
    if request.method == "GET":
        return redirect(status_url(_by_status_token(token)), code=303)
    req = _by_status_token(token, for_update=True)
    if not ConsentMoveForm().validate_on_submit():
        abort(400)
    if req.pending_move and req.anonymized_at is None:
        assignment.consented_move(req, consent_version=privacy_version(req.lang),
                                  site_url=current_app.config["SITE_URL"])
        db.session.commit()
    return redirect(status_url(req), code=303)


@bp.route("/status/<token>/stop-sms", methods=["GET", "POST"])
def stop_sms(token):
    """Stops every SMS not yet sent about this request and any later one; the consent stays on
    record with the moment it was withdrawn (an audit event on the timeline says so). A GET (the
    address opened by hand) changes nothing: it leads to the status page and its button."""
    if request.method == "GET":
        return redirect(status_url(_by_status_token(token)), code=303)
    req = _by_status_token(token, for_update=True)
    if not StopSmsForm().validate_on_submit():
        abort(400)
    if req.sms_stopped_at is None:
        service.stop_sms(req)
    return redirect(status_url(req), code=303)


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(configured("TRACK_RATE_LIMIT"), methods=["POST"])
def track():
    number = (request.form.get("number") or "").strip().upper()[:20]
    digits = (request.form.get("digits") or "").strip()[:tracking.DIGITS]
    if has_unreadable_characters(number) or has_unreadable_characters(digits):
        number, digits = "", ""  # PostgreSQL refuses NUL in a query; such a number matches nothing anyway
    not_found = False
    if request.method == "POST":
        # The same answer for an unknown number, wrong digits and a locked number: it reveals nothing.
        req = tracking.find(number, digits)
        if req is not None:
            return redirect(status_url(req), code=303)
        not_found = True
    return private((render_template("requests/track.html", number=number, not_found=not_found,
                                    digits=tracking.DIGITS, misses=tracking.MAX_MISSES,
                                    hours=tracking.LOCK_MINUTES // 60), 404 if not_found else 200))
