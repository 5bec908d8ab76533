"""/<lang>/requests/…: choose a type, fill the form, see the status, look a request up."""


from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from portal import care
from portal.content import current_catalog, privacy_version
from portal.db import db
from portal.institutions import assignment
from portal.institutions.routing import RequestFacts
from portal.limits import configured, limiter
from portal.models import AssistanceRequest, Institution
from portal.requests import drafts, service, tracking
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
    """The form, then "check your answers" (nothing saved yet), then "send". The step is the button
    pressed: none (the form's own button) checks, "change" goes back to the form with every answer
    and document kept, "send" saves the request once."""
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
    if prefilled:
        return private(render_form(request_type, form))  # not the shared blank page: it holds their text
    if request.method == "GET":
        return private(blank_form(request_type, form))
    step = request.form.get("step", "")
    draft = _draft(form, request_type)
    if step == "change":  # back to the form; nothing is checked or saved on the way
        return private(render_form(request_type, form, draft=draft))
    if not form.validate_on_submit():
        # (From "send" too: answers changed on the way, and the form shows what is wrong.)
        dropped = any(f.filename for f in request.files.getlist(form.attachments.name))
        return private((render_form(request_type, form, dropped, draft=draft), 400))
    if step == "send":
        return send(request_type, form, draft)
    return check(request_type, form, draft)


def _draft(form, request_type):
    if not form.draft.data:
        return None
    found = drafts.load(current_app.config["UPLOAD_DIR"], form.draft.data, form_token=form.form_token.data,
                        request_type=request_type)
    form.draft.data = found.token if found else ""
    return found


def _values(form):
    values = {name: form[name].data if name in form else "" for name in (
        "form_token", "applicant_kind", "organisation", "credit_code", "contact_name", "phone", "email",
        "county", "industry", "description")}
    values["credit_code"] = values["credit_code"] or None
    return values


def check(request_type, form, draft, notice=None, code=200):
    """Keep the new documents with the draft and show what will be sent and to whom. A draft is
    made only for documents: without any, nothing is written anywhere (a full upload store still
    lets such requests through), and "Send" routes again and compares with the institution named."""
    try:
        uploads = check_uploads(request.files.getlist(form.attachments.name))
    except UploadRefused as refused:
        form.attachments.errors = [UPLOAD_MESSAGES[refused.reason](refused.name)]
        return private((render_form(request_type, form, files_dropped=True, draft=draft), 400))
    decision = route(request_type, form)  # first: a database that is down leaves no draft behind
    created = None
    try:
        if draft is not None and request.form.get("discard_files"):
            drafts.remove_files(draft)
        if draft is None and uploads:
            draft = created = drafts.create(current_app.config["UPLOAD_DIR"], form_token=form.form_token.data,
                                            request_type=request_type)
        if uploads:
            drafts.add_uploads(draft, uploads)
        if draft is not None:
            drafts.set_decision(draft, decision)
    except (UploadRefused, OSError) as failure:
        if created is not None:  # a draft made for these documents goes with them
            drafts.discard(created)
            draft = None
        if isinstance(failure, OSError):
            current_app.logger.error("draft storage failed: %s", type(failure).__name__)
            form.attachments.errors = [_("Your attachments could not be stored just now, so nothing was "
                                         "saved. Please try again later, or send the form without attachments.")]
            return private((render_form(request_type, form, files_dropped=True, draft=draft), 503))
        form.attachments.errors = [UPLOAD_MESSAGES[failure.reason](failure.name)]
        return private((render_form(request_type, form, files_dropped=True, draft=draft), 400))
    form.draft.data = draft.token if draft else ""
    form.recipient.data = str(decision.institution_id) if decision else ""
    return private((render_check(request_type, form, draft, decision, notice), code))


def route(request_type, form):
    """The routing decision for the answers, as the check page names it (nothing is saved)."""
    values = _values(form)
    return assignment.assign(RequestFacts(request_type, values["county"], values["industry"]))


def render_check(request_type, form, draft, decision, notice=None):
    recipient = db.session.get(Institution, decision.institution_id) if decision else None
    if recipient is not None:
        form.recipient_consent.label.text = _("I agree that %(institution)s receives my request, my documents and "
                                              "my contact details, to handle this request",
                                              institution=recipient.name(g.lang))
    return render_template("requests/check.html", form=form, request_type=request_type,
                           type_label=REQUEST_TYPES[request_type], answers=answer_rows(form),
                           hidden=hidden_answers(form), files=draft.files if draft else [], recipient=recipient,
                           recipient_kind=INSTITUTION_KINDS.get(recipient.kind) if recipient else None,
                           notice=notice)


def send(request_type, form, draft):
    """Save the request the check page showed, with the institution it named. A second press of
    "Send" (or two at once) finds the request the first one saved."""
    existing = service.find_by_form_token(form.form_token.data)
    if existing is not None:
        return redirect(status_url(existing) + "?submitted=1", code=303)
    uploads = drafts.uploads(draft) if draft else []
    if uploads is None or (draft is None and request.form.get("draft")):
        # Kept too long (or removed meanwhile): check again; the documents must be chosen again.
        form.recipient_consent.data = False
        return check(request_type, form, None, code=409, notice=_(
            "Documents are kept for %(hours)s hours only, so any you attached are no longer kept. Choose them "
            "again with “Change”, or send without them.", hours=drafts.DRAFT_HOURS))
    # The institution the page named: the draft's decision, or (without documents) routing again.
    decision = draft.decision if draft else route(request_type, form)
    recipient = db.session.get(Institution, decision.institution_id) if decision else None
    named = str(decision.institution_id) if decision else ""
    if form.recipient.data != named or (recipient is not None and not recipient.active):
        form.recipient_consent.data = False
        return check(request_type, form, draft, code=409, notice=_(
            "The institution that would receive your request has changed since the page was shown. Check who "
            "would receive it now."))
    if not form.recipient_consent.data:
        form.recipient_consent.errors = [_("Your request is sent only if you agree that this institution "
                                           "receives it. If you do not, nothing is sent.")]
        return private((render_check(request_type, form, draft, decision), 400))
    values = _values(form)
    values["sms_consent_version"] = privacy_version(g.lang) if form.sms_consent.data else None
    details = {name: _plain(form[name].data) for name in own_fields(form)}
    try:
        saved, _created = service.submit(
            values, details, uploads, request_type=request_type, lang=g.lang,
            privacy_version=privacy_version(g.lang), upload_dir=current_app.config["UPLOAD_DIR"],
            status_url_for=lambda req: status_url(req, external=True), decision=decision,
            site_url=current_app.config["SITE_URL"], sms_signature=current_app.config["SMS_SIGN_NAME"])
    except OSError as error:
        # Upload storage full, read-only or gone: submit() saved nothing and removed its files; the
        # draft keeps the documents, so "Send" can simply be pressed again.
        current_app.logger.error("upload storage failed: %s", type(error).__name__)
        form.recipient_consent.errors = [_("Your attachments could not be stored just now, so nothing was "
                                           "saved. Please try again later, or send without attachments.")]
        return private((render_check(request_type, form, draft, decision), 503))
    if draft is not None:
        drafts.discard(draft)
    return redirect(status_url(saved) + "?submitted=1", code=303)


# Fields the check page does not list as answers: tokens, the honeypot, the consents it asks or
# shows in their own place, and the documents (listed by name).
NOT_ANSWERS = frozenset({"csrf_token", "form_token", "draft", "recipient", "website", "consent",
                         "recipient_consent", "attachments"})


def answer_rows(form):
    """[(field id, label, the answer as words)] in the form's order, for the check page."""
    rows = []
    for field in form:
        if field.name in NOT_ANSWERS:
            continue
        if field.type in ("RadioField", "SelectField"):
            text = str(_labels(field).get(field.data, "")) if field.data else ""
        elif field.type == "MultiCheckboxField":
            labels = _labels(field)
            text = ("、" if g.lang == "zh" else ", ").join(str(labels.get(value, value)) for value in field.data or [])
        elif field.type == "BooleanField":
            text = _("Yes") if field.data else _("No")
        elif field.type == "DateField":
            text = format_date(field.data, "long") if field.data else ""
        else:
            text = "" if field.data is None else str(field.data)
        # The SMS consent's label is the whole promise; as a question, its short name.
        label = _("SMS about this request") if field.name == "sms_consent" else field.label.text
        rows.append((field.id, label, text))
    return rows


def _labels(field):
    return {choice.value: choice.label for choice in field.choices}


def hidden_answers(form):
    """[(name, value)]: every answer as the check page carries it back, to be validated again."""
    pairs = []
    for field in form:
        if field.name in ("csrf_token", "form_token", "draft", "recipient", "website", "recipient_consent",
                          "attachments"):
            continue
        if field.type == "MultiCheckboxField":
            pairs.extend((field.name, value) for value in field.data or [])
        elif field.type == "BooleanField":
            if field.data:
                pairs.append((field.name, "y"))
        elif field.type in ("RadioField", "SelectField"):
            pairs.append((field.name, field.data or ""))
        else:
            pairs.append((field.name, field._value()))
    return pairs


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


def render_form(request_type, form, files_dropped=False, draft=None):
    guides = [p for p in current_catalog().guides(g.lang) if p.request_type == request_type]
    return render_template("requests/form.html", form=form, request_type=request_type,
                           type_label=REQUEST_TYPES[request_type], own_fields=own_fields(form),
                           files_dropped=files_dropped, guides=guides,
                           kept_files=draft.files if draft else [])


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
    """The requester agrees that the request goes to the other kind of institution staff chose (it
    is placed there now), or does not ("answer" = "no": it stays with the institution that has it);
    either way the answer and the consent text's version are on the timeline. A GET changes nothing."""
    if request.method == "GET":
        return redirect(status_url(_by_status_token(token)), code=303)
    req = _by_status_token(token, for_update=True)
    if not ConsentMoveForm().validate_on_submit():
        abort(400)
    if req.pending_move and req.anonymized_at is None:
        answer = assignment.refused_move if request.form.get("answer") == "no" else assignment.consented_move
        answer(req, consent_version=privacy_version(req.lang), site_url=current_app.config["SITE_URL"])
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
    number = _tracking_number(request.form.get("number"))
    digits = (request.form.get("digits") or "").strip()[:tracking.DIGITS]
    if has_unreadable_characters(digits):
        number, digits = "", ""  # PostgreSQL refuses NUL in a query; such a number matches nothing anyway
    not_found = False
    if request.method == "POST":
        # The same answer for an unknown number, wrong digits and a locked number: it reveals nothing.
        req = tracking.find(number, digits)
        if req is not None:
            return redirect(status_url(req), code=303)
        not_found = True
    return private((track_page(number=number, not_found=not_found), 404 if not_found else 200))


@bp.route("/track/email", methods=["GET", "POST"])
@limiter.limit(configured("TRACK_RATE_LIMIT"), methods=["POST"])
def track_email():
    """For a request given with an e-mail address: the number and that address send its status link
    there (never shown here). The answer is the same whatever matched; a GET shows the page. (CSRF:
    the app-wide CSRFProtect, as for the other tracking form.)"""
    if request.method == "GET":
        return redirect(url_for("requests.track"), code=303)
    number = _tracking_number(request.form.get("number"))
    email = (request.form.get("email") or "").strip()[:254]
    if has_unreadable_characters(email):
        number, email = "", ""
    if number and email:
        tracking.send_link(number, email)
        return redirect(url_for("requests.track", sent="email"), code=303)  # nothing personal in the address
    return private((track_page(email_number=number, email_missing=True), 400))


def _tracking_number(value):
    number = (value or "").strip().upper()[:20]
    return "" if has_unreadable_characters(number) else number


def track_page(number="", not_found=False, email_number="", email_missing=False):
    return render_template("requests/track.html", number=number, not_found=not_found, digits=tracking.DIGITS,
                           misses=tracking.MAX_MISSES, hours=tracking.LOCK_MINUTES // 60,
                           email_number=email_number, email_missing=email_missing,
                           link_sent=request.args.get("sent") == "email", link_minutes=tracking.LINK_MINUTES)
