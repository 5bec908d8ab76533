"""/<lang>/staff/content/…: every page by kind and status, the edit form with its preview and
checks, a document's review (the comparison with the live page, the actions), its history.

Editors and reviewers only (server-side, for every route). Every change is a POST through
service.py, which applies the workflow table; the views translate HTTP to those calls and back.
"""

import re

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts import auth
from portal.content.catalog import page_from_text
from portal.content.check import page_warnings
from portal.content.law_changes import review_due
from portal.content.problems import Problem, describe
from portal.content.schema import SECTIONS
from portal.content.store import ContentDocument, ContentRevision
from portal.content.terms import page_findings
from portal.db import db
from portal.models import User
from portal.params import whole_number
from portal.publishing import diff, editing, service, terms, workflow
from portal.publishing.forms import SLUG, ActionForm, EditForm, NewPageForm, RestoreForm, TermConfirmForm
from portal.vocab import LANGUAGES
from portal.web import form_page, saved

bp = Blueprint("publishing", __name__, template_folder="templates")
SLUG_PATTERN = re.compile(SLUG[:-1] + r"\Z")  # no trailing newline either
auth.private_area(bp, *workflow.EDITORS)


def status_labels():
    return {"draft": _("Draft"), "in_review": _("In review"), "scheduled": _("Scheduled"),
            "published": _("Published"), "unpublished": _("Unpublished")}


def kind_labels():
    """Every section of the schema, labelled; a section added later shows by its folder name until
    it is given a label here, rather than breaking the list."""
    labels = {"guides": _("Guides"), "alerts": _("Overseas risk alerts"), "education": _("Teaching materials"),
              "events": _("Events"), "notices": _("Notices"), "policies": _("Policy files"),
              "interpretations": _("Policy interpretations"), "pages": _("Fixed pages")}
    return {**{section: label for section, label in labels.items() if section in SECTIONS},
            **{section: section for section in SECTIONS if section not in labels}}


def field_hints():
    """Hints under the front-matter inputs whose form is not obvious (notices, policies, interpretations)."""
    return {
        "notice_kind": _("call, result, event or service"),
        "closes": _("A call's last day for applications, YYYY-MM-DD."),
        "issuer": _("Issuer ids, comma-separated, e.g. state-council, hengshui-government-office."),
        "doc_number": _("The document number exactly as printed, e.g. 国发〔2021〕20号."),
        "level": _("national, hebei, hengshui or county"),
        "status": _("in-force, amended, repealed or expired"),
        "changed_by": _("For an amended or repealed file: title | address | date (YYYY-MM-DD) of the document "
                        "that changed it."),
        "policy": _("The address name of the policy file this explains, e.g. hengshui-ip-plan-14th-five-year."),
        "attachments": _("Ids from the attachments page, comma-separated."),
    }


def action_labels():
    return {"submit": _("Submit for review"), "request-unpublish": _("Ask to unpublish"),
            "approve": _("Approve this step"), "publish": _("Publish now"), "schedule": _("Schedule"),
            "return": _("Return to the author"), "confirm-translation": _("Confirm: no translation needed")}


def refusals():
    return {
        "not-allowed": _("That is not possible in the page's current status."),
        "role": _("Your role may not do that."),
        "own-work": _("You wrote or submitted this change, so someone else must review it."),
        "one-step-each": _("You approved an earlier step; another reviewer must take this one."),
        "more-steps": _("This kind of page needs more review steps first."),
        "last-step": _("This is the last step: publish or schedule it."),
        "missing-text": _("Please write a comment for the author."),
        "missing-note": _("Say in a sentence, in each language, why the page is withdrawn or published again: "
                          "the public reads it in the page's history."),
        "bad-time": _("Give a time in the future, as YYYY-MM-DD HH:MM, Beijing time."),
        "problems": _("The page has problems that must be corrected before it is published. Open the edit form "
                      "to see them."),
        "nothing-to-publish": _("Nothing has changed against the live page."),
        "needed-by": _("Other published pages depend on this page (an interpretation explains it, or a page "
                       "links to it). Change or unpublish those first."),
        "serious-terms": _("The change has words that must not be published as they stand (see \"Words to check\"). "
                           "Correct them, or a reviewer confirms each one with a reason."),
        "missing-reason": _("Please give the reason the word is right here."),
        "changed": _("Someone acted on this page while you were reading it. Here is its current state; "
                     "please check and try again."),
        "stale": _("Someone saved this page after you opened it. Your text was not lost: it is kept in the "
                   "history as revision %(revision)s, and below is the current version. Compare the two and "
                   "save again."),
    }


def document_or_404(section, slug):
    # Checked before the database sees it: PostgreSQL refuses NUL in text with an error.
    if section not in SECTIONS or not SLUG_PATTERN.match(slug):
        abort(404)
    document = service.find_document(section, slug)
    if document is None:
        abort(404)
    return document


def _people():
    return {user.id: user.name for user in db.session.scalars(select(User))}


def whose_turn(document):
    if document.status == "in_review":
        return _("A reviewer (step %(step)s of %(steps)s)", step=document.review_step,
                 steps=service.steps_for(document.section))
    if document.status == "draft":
        return _("The editors")
    if document.status == "scheduled":
        return _("Nobody: it goes live at the scheduled time")
    return "—"


@bp.get("/content/")
def index():
    documents = db.session.scalars(select(ContentDocument).order_by(ContentDocument.section,
                                                                    ContentDocument.slug)).all()
    catalog = current_app.extensions["catalog"]
    today, months = service.now().date(), current_app.config["CONTENT_REVIEW_MAX_MONTHS"]
    rows = {}
    for document in documents:
        page = catalog.get(document.section, document.slug, g.lang) or next(
            (catalog.get(document.section, document.slug, lang) for lang in LANGUAGES
             if catalog.get(document.section, document.slug, lang)), None)
        langs = service.languages(document)
        rows.setdefault(document.section, []).append({
            "document": document, "title": page.title if page else document.slug,
            "languages": [lang for lang in LANGUAGES if lang in langs],
            "stale": [lang for lang in LANGUAGES if lang in langs and langs[lang].translation_stale],
            "turn": whose_turn(document), "due": page is not None and review_due(page, today, months),
            "reviewed": page.reviewed if page else None})
    form = NewPageForm(formdata=None, section="guides")
    form.section.choices = section_choices()
    return render_template("publishing/index.html", rows=rows, kinds=kind_labels(), statuses=status_labels(),
                           form=form, review_months=months)


def section_choices():
    return [SelectChoice(section, label) for section, label in kind_labels().items()]


@bp.post("/content/new")
def new_page():
    form = NewPageForm()
    form.section.choices = section_choices()
    if form.validate_on_submit():
        if service.find_document(form.section.data, form.slug.data):
            form.slug.errors = [_("A page with this address name exists already.")]
        else:
            document = service.create_document(form.section.data, form.slug.data)
            db.session.commit()
            return redirect(url_for("publishing.edit", section=document.section, slug=document.slug,
                                    doc_lang=g.lang), code=303)
    return form_page("publishing/new.html", form=form)


def _skeleton(kind, lang):
    from portal.content.schema import ALERT_SECTIONS, GUIDE_SECTIONS, MATERIAL_SECTIONS  # noqa: PLC0415

    headings = {"guide": GUIDE_SECTIONS[lang], "alert": ALERT_SECTIONS[lang],
                "material": tuple(MATERIAL_SECTIONS[lang].values())[:1],
                "policy": ("要点", "状态说明") if lang == "zh" else ("Key points", "Status"),
                "interpretation": ("涉及谁", "对企业意味着什么", "怎么做", "时间节点") if lang == "zh" else
                ("Who this concerns", "What changes for you", "What to do", "Deadlines and dates")}.get(kind, ())
    return "".join(f"## {title}\n\n\n" for title in headings)


@bp.route("/content/<page_section:section>/<page_slug:slug>/<doc_lang>/edit", methods=["GET", "POST"])
def edit(section, slug, doc_lang):
    document = document_or_404(section, slug)
    if doc_lang not in LANGUAGES:
        abort(404)
    kind = SECTIONS[section]
    current = service.languages(document).get(doc_lang)
    head = current.head if current else None
    form = EditForm()
    fields = editing.fields_for(kind)
    problems, preview, refusal, newer, warnings = [], None, None, None, []
    if request.method == "GET":
        typed, body = editing.values_from_text(head.text if head else "")
        form.body.data = body or _skeleton(kind, doc_lang)
        form.base_revision.data = str(head.id) if head else ""
    else:
        typed = {field.name: request.form.get(f"fm-{field.name}", "")[:5000] for field in fields}
    if form.validate_on_submit():
        text = editing.text_from_values(kind, typed, form.body.data or "", original=head.text if head else None)
        problems = service.check_draft(document, doc_lang, text) if text != (head.text if head else None) else []
        page, _load = page_from_text(section, slug, doc_lang, text, f"{section}/{slug}.{doc_lang}.md",
                                     service.now().date())
        preview = page
        warnings = page_warnings(current_app, page, service.now().date()) if page else []
        changed = head is None or text != head.text
        if request.form.get("intent") == "save":
            if not changed:
                problems = [_("Nothing has changed.")]
            elif not (form.change_note.data or "").strip():
                form.change_note.errors = [_("Say in a sentence what changed: it is shown to the public when "
                                             "the change is published.")]
            elif not problems:
                base = whole_number(form.base_revision.data, 1)
                try:
                    service.save_revision(document, doc_lang, text, base, current_user, form.change_note.data,
                                          minor=form.minor.data)
                except service.Refused as refused:
                    if refused.reason == "stale":
                        refusal = refusals()["stale"] % {"revision": refused.revision_id}
                        db.session.refresh(document)
                        newer = service.languages(document)[doc_lang].head
                    else:  # under review or scheduled: returned first, so no reviewer is surprised
                        refusal = refusals()[refused.reason]
                else:
                    return saved(_("Saved as a draft. Submit it for review when it is ready."),
                                 url_for("publishing.document", section=section, slug=slug))
    findings = page_findings(preview) if preview else (
        terms.text_findings(section, slug, doc_lang, head.text) if head else [])
    response = render_template("publishing/edit.html", document=document, doc_lang=doc_lang, form=form,
                               fields=fields, typed=typed, problems=[_for_editor(problem) for problem in problems],
                               warnings=[_for_editor(warning) for warning in warnings], preview=preview,
                               refusal=refusal, newer=newer, kind=kind, kinds=kind_labels(), hints=field_hints(),
                               findings=findings)
    return response, (200 if request.method == "GET" or (not problems and not form.errors and not refusal) else 400)


def _for_editor(problem):
    """A problem in the editor's language, naming the page's language rather than its file."""
    path = getattr(problem, "path", None)
    if isinstance(problem, Problem) and path:
        lang = path.rsplit(".", 2)[-2] if path.count(".") >= 2 else None
        where = language_names().get(lang)
        return _("%(where)s: %(problem)s", where=where, problem=problem.message()) if where else problem.translated()
    return describe(problem)


def language_names():
    return {"zh": _("Chinese version"), "en": _("English version")}


def _comparisons(document):
    labels = {"added": _("added"), "removed": _("removed"), "end": _("end")}
    result = []
    for lang, language in sorted(service.languages(document).items()):
        live = language.live.text if language.live else ""
        head = language.head.text
        if live != head:
            result.append((lang, language, diff.render(diff.segments(live, head, lang), labels)))
    return result


@bp.get("/content/<page_section:section>/<page_slug:slug>/")
def document(section, slug):
    document = document_or_404(section, slug)
    facts = service.facts(document, current_user)
    actions = workflow.available(document.status, current_user.role, **facts)
    revisions = _revisions(document)
    return render_template(
        "publishing/document.html", word_checks=_word_checks(document), term_form=TermConfirmForm(formdata=None),
        may_confirm=current_user.role in workflow.REVIEWERS and not facts["is_author"], **_document_context(
            document, facts, actions, revisions))


def _word_checks(document):
    """[(lang, revision, finding, confirmation or None)] for the pending change, serious first."""
    heads = service.pending_heads(document)
    confirmed = terms.confirmations([revision.id for revision in heads.values()])
    return [(lang, revision, finding, confirmed.get(revision.id, {}).get(finding.term.term))
            for lang, revision in sorted(heads.items())
            for finding in terms.text_findings(document.section, document.slug, lang, revision.text)]


def _document_context(document, facts, actions, revisions):
    return dict(
        document=document, languages=service.languages(document),
        comparisons=_comparisons(document), actions=[a for a in actions if a not in ("save", "restore")],
        labels=action_labels(), statuses=status_labels(), people=_people(),
        turn=whose_turn(document), facts=facts, form=ActionForm(formdata=None), restore_form=RestoreForm(formdata=None),
        scheduled=service.beijing(document.scheduled_at) if document.scheduled_at else None, kinds=kind_labels(),
        refusal=request.args.get("refused") and refusals().get(request.args["refused"]),
        note_languages={action: service.note_languages(document, action) for action in ("submit", "request-unpublish")
                        if action in actions},
        **_compare_choices(document, revisions))


@bp.post("/content/<page_section:section>/<page_slug:slug>/confirm-term")
def confirm_term(section, slug):
    """A reviewer confirms a serious word on the pending change, with a reason."""
    document = document_or_404(section, slug)
    form = TermConfirmForm()
    if not form.validate_on_submit() or form.lang_of.data not in LANGUAGES:
        abort(400)
    try:
        service.confirm_term(document, form.lang_of.data, form.term.data or "", form.reason.data or "", current_user)
    except service.Refused as refused:
        return _refused(section, slug, refused.reason)
    return saved(_("Confirmed: the word stays, with your reason on record."),
                 url_for("publishing.document", section=section, slug=slug))


@bp.post("/content/<page_section:section>/<page_slug:slug>/act")
def act(section, slug):
    document = document_or_404(section, slug)
    form = ActionForm()
    if not form.validate_on_submit() or form.action.data not in workflow.ACTIONS \
            or form.action.data in ("save", "restore"):
        abort(400)
    version = whole_number(form.version.data, 1)
    if version is None:
        abort(400)
    when = None
    if form.action.data == "schedule":
        try:
            when = service.parse_beijing(form.when.data or "")
        except ValueError:
            return _refused(section, slug, "bad-time")
    comment = form.comment.data or ""
    if form.action.data == "confirm-translation":
        if form.lang_of.data not in LANGUAGES:
            abort(400)
        comment = form.lang_of.data
    notes = {lang: form[f"note_{lang}"].data or "" for lang in LANGUAGES}
    try:
        service.act(document, form.action.data, current_user, version, comment=comment, when=when, notes=notes)
    except service.Refused as refused:
        return _refused(section, slug, refused.reason)
    return saved(_("Done."), url_for("publishing.document", section=section, slug=slug))


def _refused(section, slug, reason):
    return redirect(url_for("publishing.document", section=section, slug=slug, refused=reason), code=303)


@bp.get("/content/<page_section:section>/<page_slug:slug>/compare")
def compare(section, slug):
    """Any two revisions of one language, chosen in the history's form (a GET: nothing changes)."""
    document = document_or_404(section, slug)
    first, second = (_revision_of(document, request.args.get(name)) for name in ("a", "b"))
    choices = _compare_choices(document)
    if first is None or second is None or first.lang != second.lang:
        return render_template("publishing/compare.html", document=document, error=True, kinds=kind_labels(),
                               **choices), 400
    labels = {"added": _("added"), "removed": _("removed"), "end": _("end")}
    html = diff.render(diff.segments(first.text, second.text, first.lang), labels)
    return render_template("publishing/compare.html", document=document, first=first, second=second, html=html,
                           error=False, kinds=kind_labels(),
                           **dict(choices, first_choice=first.id, second_choice=second.id))


def _revisions(document):
    return db.session.scalars(select(ContentRevision).where(ContentRevision.document_id == document.id)
                              .order_by(ContentRevision.id.desc())).all()


def _compare_choices(document, revisions=None):
    """What the compare form needs: every revision, newest first, labelled; by default the live
    revision of the first language with a pending change against its head (else the two newest)."""
    revisions = revisions if revisions is not None else _revisions(document)
    first = second = None
    for language in service.languages(document).values():
        if language.live_revision_id and language.live_revision_id != language.head_revision_id:
            first, second = language.live_revision_id, language.head_revision_id
            break
    if first is None and revisions:
        second = revisions[0].id
        first = next((r.id for r in revisions[1:] if r.lang == revisions[0].lang), second)
    people = _people()

    def revision_label(revision):
        label = _("Revision %(number)s (%(lang)s, %(when)s, %(who)s)", number=revision.id, lang=revision.lang,
                  when=format_datetime(revision.created_at, "short"),
                  who=people.get(revision.author_id) or _("the release"))
        return label + (" " + _("(refused: saved on a stale version)") if revision.source == "conflict" else "")

    return {"revisions": revisions, "revision_label": revision_label, "first_choice": first,
            "second_choice": second}


def _revision_of(document, raw):
    number = whole_number(raw, 1)
    revision = db.session.get(ContentRevision, number) if number is not None else None
    return revision if revision is not None and revision.document_id == document.id else None


@bp.post("/content/<page_section:section>/<page_slug:slug>/restore")
def restore(section, slug):
    document = document_or_404(section, slug)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    revision = _revision_of(document, form.revision.data)
    if revision is None:
        abort(404)
    try:
        service.restore(document, revision, current_user, whole_number(form.base_revision.data, 1))
    except service.Refused as refused:
        return _refused(section, slug, refused.reason)
    return saved(_("The old revision is now the draft. Submit it for review to publish it."),
                 url_for("publishing.document", section=section, slug=slug))
