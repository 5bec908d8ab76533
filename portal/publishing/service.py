"""The editorial actions on the content store, each one transaction with its audit event and
e-mails, decided by the table in workflow.py.

Two people acting at once never lose anything: a save names the revision it started from and is
refused (kept in the history as a conflict, never made the head) when that is no longer the head;
a workflow action names the document's version and is refused when someone acted first. Both are
conditional UPDATEs, so PostgreSQL's row lock orders them and the second finds nothing to update.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.content import live_catalog
from portal.content.catalog import page_from_text
from portal.content.check import check_pages
from portal.content.problems import code_of
from portal.content.schema import SECTIONS
from portal.content.store import (
    ContentApproval,
    ContentDocument,
    ContentLanguage,
    ContentPublication,
    ContentRevision,
    now,
    raise_generation,
)
from portal.content.urls import link_resolver
from portal.db import as_utc, db
from portal.models import AuditEvent, User
from portal.publishing import notices, terms, workflow
from portal.sla import BEIJING
from portal.vocab import LANGUAGES


class Refused(Exception):
    """An action that was not done; `reason` is a key of the views' messages."""

    def __init__(self, reason, revision_id=None):
        super().__init__(reason)
        self.reason = reason
        self.revision_id = revision_id


def steps_for(section):
    return workflow.steps_for(SECTIONS[section], workflow.parse_steps(current_app.config["REVIEW_STEPS"]))


def find_document(section, slug):
    return db.session.scalar(select(ContentDocument).where(ContentDocument.section == section,
                                                            ContentDocument.slug == slug))


def languages(document):
    return {language.lang: language for language in document.languages}


def pending_languages(document):
    """Languages whose head is not what is live: what a publish would change."""
    return [lang for lang, language in languages(document).items()
            if language.head_revision_id != language.live_revision_id]


def pending_heads(document):
    """{lang: head revision} of the languages a publish would change."""
    return {lang: languages(document)[lang].head for lang in pending_languages(document)}


def confirm_term(document, lang, term, reason, user):
    """A reviewer confirms that a serious term on the pending change in `lang` is right, with a
    reason; Refused when they may not (not a reviewer, the change's author, nothing pending, a term
    the text does not have, no reason)."""
    if user.role not in workflow.REVIEWERS:
        raise Refused("role")
    if user.id in authors(document):
        raise Refused("own-work")
    head = pending_heads(document).get(lang)
    if head is None:
        raise Refused("not-allowed")
    serious = {finding.term.term for finding in terms.text_findings(document.section, document.slug, lang, head.text)
               if finding.serious}
    if term not in serious:
        raise Refused("not-allowed")
    if not reason.strip():
        raise Refused("missing-reason")
    if terms.confirm(head, term, reason, user):
        _audit(user, "term-confirmed", document, lang=lang, revision=head.id, term=term, reason=reason.strip())
    db.session.commit()


def authors(document):
    """Who wrote the change under review: the submitter and the authors of the pending heads."""
    people = {document.submitted_by} if document.submitted_by else set()
    for lang in pending_languages(document):
        author = languages(document)[lang].head.author_id
        if author:
            people.add(author)
    return people


def facts(document, user):
    """What the workflow table needs to know about `user` and this document's current round."""
    approved = db.session.scalar(select(ContentApproval.id).where(
        ContentApproval.document_id == document.id, ContentApproval.reviewer_id == user.id,
        ContentApproval.round_version == document.version)) is not None
    return {"is_author": user.id in authors(document), "already_approved": approved,
            "step": document.review_step, "steps": steps_for(document.section)}


def check_texts(section, slug, texts, today=None):
    """The problems `flask content check` would report if these texts ({lang: text}) were live,
    checked together with every other live page (both languages, links, sections)."""
    today = today or now().date()
    pages, problems = [], []
    for lang, text in texts.items():
        page, page_problems = page_from_text(section, slug, lang, text, f"{section}/{slug}.{lang}.md", today)
        problems.extend(page_problems)
        if page:
            pages.append(page)
    others = [page for page in current_app.extensions["catalog"]
              if page.key != (section, slug) or page.lang not in texts]
    if problems:
        return problems
    everything = others + pages
    return [problem for problem in check_pages(everything, [], link_resolver(current_app, everything))
            if any(problem.startswith(f"{section}/{slug}.{lang}.md") for lang in LANGUAGES)]


def removal_problems(section, slug):
    """What taking this page down would break on the other live pages (an interpretation whose
    policy file would be gone, a link to it): the problems that appear only without it."""
    everything = list(current_app.extensions["catalog"])
    rest = [page for page in everything if page.key != (section, slug)]
    before = set(check_pages(everything, [], link_resolver(current_app, everything)))
    return [problem for problem in check_pages(rest, [], link_resolver(current_app, rest)) if problem not in before]


def check_draft(document, lang, text):
    """check_texts for a draft of one language, read beside the other languages' heads; a language
    not written yet is no reason to refuse a draft (it is one to refuse a publish)."""
    texts = {other: language.head.text for other, language in languages(document).items()}
    texts[lang] = text
    return [problem for problem in check_texts(document.section, document.slug, texts)
            if code_of(problem) != "translation-missing"]


def _audit(user, action, document, **after):
    db.session.add(AuditEvent(actor=f"user:{user.id}" if user else "worker", action=f"content-{action}",
                              after={"document": f"{document.section}/{document.slug}", **after}))


def create_document(section, slug):
    document = ContentDocument(section=section, slug=slug, status="draft")
    db.session.add(document)
    db.session.flush()
    return document


def save_revision(document, lang, text, base_revision_id, user, change_note, minor=False, source="editor"):
    """A new head for one language, or Refused("stale", revision id) when `base_revision_id` is no
    longer the head; the refused text is still kept, as a conflict revision in the history."""
    decision = workflow.decide("restore" if source == "restored" else "save", document.status, user.role)
    if not decision.allowed:
        raise Refused(decision.reason)
    revision = ContentRevision(document_id=document.id, lang=lang, text=text, base_revision_id=base_revision_id,
                               author_id=user.id, source=source, change_note=change_note.strip(), minor=minor)
    db.session.add(revision)
    db.session.flush()
    current = db.session.get(ContentLanguage, (document.id, lang))
    if current is None and base_revision_id is None:
        db.session.add(ContentLanguage(document_id=document.id, lang=lang, head_revision_id=revision.id))
        moved = 1
    else:
        moved = db.session.execute(
            update(ContentLanguage)
            .where(ContentLanguage.document_id == document.id, ContentLanguage.lang == lang,
                   ContentLanguage.head_revision_id == base_revision_id)
            .values(head_revision_id=revision.id)
            .execution_options(synchronize_session=False)).rowcount
    if not moved:
        revision.source = "conflict"
        _audit(user, "save-refused", document, lang=lang, revision=revision.id)
        db.session.commit()
        raise Refused("stale", revision.id)
    db.session.execute(update(ContentDocument).where(ContentDocument.id == document.id).values(
        status="draft", pending_action="publish", review_step=1, updated_at=now(),
        version=ContentDocument.version + 1).execution_options(synchronize_session=False))
    _audit(user, source, document, lang=lang, revision=revision.id)
    db.session.commit()
    db.session.refresh(document)
    return revision


def _move(document, version, **values):
    """The conditional update every workflow action goes through (Refused("changed") when the
    document's version is not the one the actor saw)."""
    moved = db.session.execute(
        update(ContentDocument).where(ContentDocument.id == document.id, ContentDocument.version == version)
        .values(version=ContentDocument.version + 1, updated_at=now(), **values)
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        db.session.rollback()
        raise Refused("changed")


def note_languages(document, action):
    """The languages in which `action` needs a public change note typed with it: an unpublish, in
    every language live now; a submit, in each language whose text to publish has no change note
    of its own (a release's text) or one already shown (a republish after an unpublish)."""
    langs = languages(document)
    if action == "request-unpublish":
        return [lang for lang, language in sorted(langs.items()) if language.live_revision_id]
    if action == "submit":
        heads = {langs[lang].head_revision_id: lang for lang in pending_languages(document)}
        published = set(db.session.scalars(select(ContentPublication.revision_id).where(
            ContentPublication.document_id == document.id, ContentPublication.revision_id.in_(heads))))
        return sorted(lang for revision_id, lang in heads.items()
                      if revision_id in published or not langs[lang].head.change_note)
    return []


def act(document, action, user, version, comment="", when=None, moment=None, notes=None):
    """Do one workflow action (not save/restore: see save_revision). Returns the new status.
    `notes` ({lang: text}): an unpublish's public change note in every live language."""
    moment = moment or now()
    decision = workflow.decide(action, document.status, user.role, **facts(document, user))
    if not decision.allowed:
        raise Refused(decision.reason)
    spec = workflow.ACTIONS[action]
    if spec.needs_text and not comment.strip():
        raise Refused("missing-text")
    notes = {lang: (text or "").strip() for lang, text in (notes or {}).items()}
    noted = note_languages(document, action)
    if not all(notes.get(lang) for lang in noted):
        raise Refused("missing-note")
    if spec.needs_time and (when is None or when <= moment):
        raise Refused("bad-time")
    if action in ("submit", "publish", "schedule") and document.pending_action == "publish":
        texts = {lang: languages(document)[lang].head.text for lang in pending_languages(document)}
        if not texts:
            raise Refused("nothing-to-publish")
        if check_texts(document.section, document.slug, texts):
            raise Refused("problems")
        if action != "submit" and terms.unconfirmed_serious(document, pending_heads(document)):
            raise Refused("serious-terms")  # a reviewer confirms each with a reason first (confirm_term)
    unpublishing = action == "request-unpublish" or (
        action in ("publish", "schedule") and document.pending_action == "unpublish")
    if unpublishing and removal_problems(document.section, document.slug):
        raise Refused("needed-by")
    if action == "confirm-translation":
        db.session.execute(update(ContentLanguage).where(ContentLanguage.document_id == document.id,
                                                         ContentLanguage.lang == comment)
                           .values(translation_stale=False))
        _move(document, version)
        _audit(user, action, document, lang=comment)
        generation = raise_generation()  # the public page's "other language is newer" goes
        db.session.commit()
        live_catalog(current_app).announce(generation)
        db.session.refresh(document)
        return document.status
    if action in ("submit", "request-unpublish"):
        _move(document, version, status="in_review", review_step=1, submitted_by=user.id, return_comment="",
              pending_action="unpublish" if action == "request-unpublish" else "publish",
              pending_notes={lang: notes[lang] for lang in noted} or None)
        notices.queue_turn(document, reviewers_for(document, exclude={user.id}))
    elif action == "approve":
        db.session.add(ContentApproval(document_id=document.id, step=document.review_step, reviewer_id=user.id,
                                       round_version=version + 1))
        _move(document, version, review_step=document.review_step + 1)
        # Approvals of earlier steps carry on into the next version of the same round.
        db.session.execute(update(ContentApproval).where(ContentApproval.document_id == document.id,
                                                         ContentApproval.round_version == version)
                           .values(round_version=version + 1))
        notices.queue_turn(document, reviewers_for(document, exclude={user.id} | authors(document)))
    elif action == "return":
        _move(document, version, status="draft", review_step=1, scheduled_at=None, return_comment=comment.strip(),
              pending_notes=None)
        notices.queue_returned(document, _users(authors(document)), comment.strip())
    elif action == "schedule":
        _move(document, version, status="scheduled", scheduled_at=when)
    elif action == "publish":
        _move(document, version)
        publish(document, user, moment)
    _audit(user, action, document, comment=comment.strip() or None,
           when=when.isoformat() if when else None, notes=notes or None)
    db.session.commit()
    db.session.refresh(document)
    return document.status


def publish(document, reviewer, moment, late=None):
    """Make the heads live (or take the page down, for an unpublish), in the caller's transaction;
    commits, raises the generation and tells this host's processes at once."""
    langs = languages(document)
    reviewer_id = reviewer.id if reviewer else None
    if document.pending_action == "unpublish":
        notes = document.pending_notes or {}
        for language in langs.values():
            if language.live_revision_id is None:
                continue
            language.live_revision_id = None
            db.session.add(ContentPublication(document_id=document.id, lang=language.lang, action="unpublish",
                                              change_note=notes.get(language.lang, ""), reviewer_id=reviewer_id,
                                              published_at=moment))
        document.status = "unpublished"
    else:
        changed = pending_languages(document)
        notes = document.pending_notes or {}
        published_before = set(db.session.scalars(select(ContentPublication.lang).where(
            ContentPublication.document_id == document.id, ContentPublication.action == "unpublish")))
        for lang in changed:
            language = langs[lang]
            # Live again after an unpublish: the public history says so.
            again = language.live_revision_id is None and lang in published_before
            language.live_revision_id = language.head_revision_id
            language.published_at = moment
            language.translation_stale = False
            db.session.add(ContentPublication(document_id=document.id, lang=lang, revision_id=language.head_revision_id,
                                              action="republish" if again else "publish",
                                              change_note=notes.get(lang) or language.head.change_note,
                                              reviewer_id=reviewer_id, published_at=moment))
            if not language.head.minor:
                for other, other_language in langs.items():
                    if other not in changed and other_language.live_revision_id:
                        other_language.translation_stale = True
        document.status = "published"
    document.scheduled_at = None
    document.pending_notes = None
    document.review_step = 1
    recipients = _users(authors(document))
    document.submitted_by = None
    notices.queue_published(document, recipients, late=late)
    _audit(reviewer, "published" if document.pending_action == "publish" else "unpublished", document,
           late_minutes=late)
    generation = raise_generation()
    db.session.commit()
    live = live_catalog(current_app)
    live.announce(generation)
    live.check()
    return generation


def publish_due(moment=None):
    """Publish (or unpublish) every scheduled document whose time has come; a late one (no worker
    ran) is published now and the editors are told. Returns the documents' names."""
    moment = moment or now()
    late_after = timedelta(minutes=current_app.config["PUBLISH_LATE_MINUTES"])
    query = select(ContentDocument).where(ContentDocument.status == "scheduled",
                                          ContentDocument.scheduled_at <= moment).order_by(ContentDocument.id).limit(1)
    if db.engine.dialect.name == "postgresql":
        # One document at a time, locked until its publish commits: two loops never publish one
        # document twice (the other skips it and takes the next).
        query = query.with_for_update(skip_locked=True)
    done = []
    while (document := db.session.scalars(query).first()) is not None:
        lateness = moment - as_utc(document.scheduled_at)
        late = int(lateness.total_seconds() // 60) if lateness > late_after else None
        if late is not None:
            notices.queue_late(document, _users_with_roles(workflow.EDITORS), late)
        publish(document, None, moment, late=late)
        done.append(f"{document.section}/{document.slug}")
    return done


def restore(document, revision, user, version_base):
    """An old revision's text as a new draft of its language (history is never rewritten)."""
    current = db.session.get(ContentLanguage, (document.id, revision.lang))
    base = current.head_revision_id if current else None
    if version_base is not None and base != version_base:
        raise Refused("stale")
    return save_revision(document, revision.lang, revision.text, base, user,
                         change_note=revision.change_note, minor=revision.minor, source="restored")


def reviewers_for(document, exclude=()):
    return [user for user in _users_with_roles(workflow.REVIEWERS) if user.id not in exclude]


def _users(ids):
    ids = [i for i in ids if i]
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))) if ids else []


def _users_with_roles(roles):
    return list(db.session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))
                                   .order_by(User.id)))


def beijing(moment):
    """A moment as Beijing time (UTC+8, no summer time), which the editors read and type."""
    return as_utc(moment).astimezone(BEIJING)


def parse_beijing(text):
    """'2026-12-24T09:00' typed as Beijing time, as an aware datetime; ValueError otherwise."""
    moment = datetime.fromisoformat(str(text).strip())
    if moment.tzinfo is not None:
        raise ValueError("a time zone was given")
    return moment.replace(tzinfo=BEIJING)
