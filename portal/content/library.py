"""The shipped library and the store: `flask content import` and `flask content export`.

Import: a page new to the store is published as shipped (it was reviewed in git); a page whose
live text is still the one a release shipped takes the new shipped text; a page the office has
changed in the browser is never overwritten: the shipped text becomes its head, a draft for an
editor to review, and the live page stays as it is. Export writes every live revision back as
the file it came from, byte for byte. Both refuse content with the problems `flask content
check` reports.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from portal.content import store
from portal.content.catalog import content_files, read_all
from portal.content.check import check_pages
from portal.db import db


@dataclass
class ImportReport:
    published: list = field(default_factory=list)   # new pages or shipped pages updated
    drafts: list = field(default_factory=list)      # pages changed in the browser: shipped text as a draft
    unchanged: int = 0
    generation: int = 0


def _changed_in_browser(language):
    """Did anyone but a release write this language's live or head revision?"""
    return language.live_revision_id != language.shipped_revision_id or \
        language.head_revision_id != language.shipped_revision_id


def import_library(content_dir, resolve_link, now=None):
    """Load the shipped files into the store in one transaction. Returns (report, problems); with
    problems nothing is written."""
    content_dir = Path(content_dir)
    pages, load_problems = read_all(content_dir)
    problems = check_pages(pages, load_problems, resolve_link)
    if problems:
        return None, problems
    now = now or store.now()
    report = ImportReport()
    documents = {(d.section, d.slug): d for d in db.session.scalars(select(store.ContentDocument))}
    for section, slug, lang, path in content_files(content_dir):
        text = path.read_bytes().decode("utf-8")
        document = documents.get((section, slug))
        if document is None:
            document = documents[(section, slug)] = store.ContentDocument(
                section=section, slug=slug, status="published", created_at=now, updated_at=now)
            db.session.add(document)
            db.session.flush()
        language = db.session.get(store.ContentLanguage, (document.id, lang))
        if language is not None and language.head.text == text:
            report.unchanged += 1
            continue
        revision = store.ContentRevision(document_id=document.id, lang=lang, text=text, source="shipped",
                                         base_revision_id=language.head_revision_id if language else None,
                                         created_at=now)
        db.session.add(revision)
        db.session.flush()
        name = f"{section}/{slug}.{lang}"
        if language is None:
            db.session.add(store.ContentLanguage(document_id=document.id, lang=lang, head_revision_id=revision.id,
                                                 live_revision_id=revision.id, shipped_revision_id=revision.id,
                                                 published_at=now))
            report.published.append(name)
        elif _changed_in_browser(language):
            language.head_revision_id = revision.id
            language.shipped_revision_id = revision.id
            if document.status in ("published", "unpublished"):
                document.status = "draft"
            document.version += 1
            report.drafts.append(name)
        else:
            language.head_revision_id = language.live_revision_id = language.shipped_revision_id = revision.id
            language.published_at = now
            report.published.append(name)
    if report.published:
        report.generation = store.raise_generation()
    db.session.commit()
    return report, []


def export_library(target_dir, catalog_pages, resolve_link):
    """Write every live revision under target_dir as <section>/<slug>.<lang>.md. Returns
    (files written, problems); with problems nothing is written."""
    problems = check_pages(list(catalog_pages), [], resolve_link)
    if problems:
        return 0, problems
    target_dir = Path(target_dir)
    written = 0
    for section, slug, lang, _revision_id, text in store.live_texts():
        path = target_dir / section / f"{slug}.{lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written += 1
    return written, []
