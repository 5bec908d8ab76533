"""The content store: what the portal publishes, as data with history.

A document is one page (section + slug). Each save of one language is a new revision holding the
whole file text exactly as `content/` would hold it (front matter and body), so a page that
nobody edited exports byte for byte. Per language, `content_language` points at the head (the
latest saved revision, what editors work on) and the live revision (what a reviewer published).
Nothing is overwritten in place. The generation counter goes up by one with every change to
what is live; workers compare it with the generation their catalog was built from.
"""

from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, db


def now():
    return datetime.now(UTC)


class ContentDocument(db.Model):
    """One page in both languages, and where it stands in the editorial workflow."""

    __tablename__ = "content_document"
    __table_args__ = (UniqueConstraint("section", "slug", name="uq_content_document_page"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str] = mapped_column(String(120))
    # draft, in_review, scheduled, published, unpublished (portal/publishing/workflow.py)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # What the review is about: "publish" the heads, or "unpublish" the page.
    pending_action: Mapped[str] = mapped_column(String(20), default="publish")
    review_step: Mapped[int] = mapped_column(Integer, default=1)  # 1..steps for the kind (三审: 3)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str] = mapped_column(Text, default="")
    # An unpublish under review: its public change note per language ({lang: note}), written
    # into the history when it is published.
    pending_notes: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Whole number raised on every workflow change: a form carries it, a stale one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    languages = relationship("ContentLanguage", back_populates="document", order_by="ContentLanguage.lang")


class ContentRevision(db.Model):
    """One saved text of one language of a document. Never changed after it is written."""

    __tablename__ = "content_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("content_document.id"), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)  # the whole file: front matter and Markdown body
    # The revision the editor started from; a save whose base is no longer the head is refused
    # (kept, marked as a conflict, never made the head).
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("content_revision.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None: shipped
    source: Mapped[str] = mapped_column(String(20))  # shipped, editor, restored, conflict
    change_note: Mapped[str] = mapped_column(Text, default="")  # 更新说明, shown when published
    minor: Mapped[bool] = mapped_column(Boolean, default=False)  # the other language needs no change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContentLanguage(db.Model):
    """Per document and language: the head revision editors work on and the live one."""

    __tablename__ = "content_language"
    document_id: Mapped[int] = mapped_column(ForeignKey("content_document.id"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)
    head_revision_id: Mapped[int] = mapped_column(ForeignKey("content_revision.id"))
    live_revision_id: Mapped[int | None] = mapped_column(ForeignKey("content_revision.id"))
    # The revision the last `flask content import` brought: tells a shipped page from one
    # the office changed in the browser.
    shipped_revision_id: Mapped[int | None] = mapped_column(ForeignKey("content_revision.id"))
    # The other language changed in substance since this one was last updated or confirmed.
    translation_stale: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document = relationship(ContentDocument, back_populates="languages")
    head = relationship(ContentRevision, foreign_keys=[head_revision_id])
    live = relationship(ContentRevision, foreign_keys=[live_revision_id])


class ContentPublication(db.Model):
    """A published change, as the public history lists it (GOV.UK's "see all updates")."""

    __tablename__ = "content_publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("content_document.id"), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("content_revision.id"))  # None: unpublished
    action: Mapped[str] = mapped_column(String(20))  # publish, unpublish, republish (live again after an unpublish)
    change_note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContentApproval(db.Model):
    """One reviewer's approval of one step of a review (several steps for 三审)."""

    __tablename__ = "content_approval"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("content_document.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    # The document's version when it was approved: approvals of an earlier round do not count.
    round_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContentGeneration(db.Model):
    """One row: raised by one on every change to what is live."""

    __tablename__ = "content_generation"
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


def current_generation():
    # A query, not session.get: the worker loop's long-lived session would answer from its
    # identity map with the number it read first, and never see another host's publish.
    return db.session.scalar(select(ContentGeneration.generation).where(ContentGeneration.id == 1)) or 0


def raise_generation():
    """Raise the counter inside the caller's transaction; returns the new value. The UPDATE takes
    the row's lock, so two publishes on PostgreSQL get two different numbers."""
    if db.session.get(ContentGeneration, 1) is None:
        db.session.add(ContentGeneration(id=1, generation=0))
        db.session.flush()
    db.session.execute(update(ContentGeneration).where(ContentGeneration.id == 1)
                       .values(generation=ContentGeneration.generation + 1))
    return db.session.scalar(select(ContentGeneration.generation).where(ContentGeneration.id == 1))


def has_documents():
    return db.session.scalar(select(ContentDocument.id).limit(1)) is not None


def live_texts():
    """(section, slug, lang, revision id, text) of every live revision."""
    rows = db.session.execute(
        select(ContentDocument.section, ContentDocument.slug, ContentLanguage.lang, ContentRevision.id,
               ContentRevision.text)
        .join(ContentLanguage, ContentLanguage.document_id == ContentDocument.id)
        .join(ContentRevision, ContentRevision.id == ContentLanguage.live_revision_id)
        .order_by(ContentDocument.section, ContentDocument.slug, ContentLanguage.lang))
    return [tuple(row) for row in rows]


class PublicUpdate(NamedTuple):
    """One line of a page's public history."""

    published_at: datetime
    note: str
    action: str  # publish, unpublish, republish


def public_history():
    """(section, slug, lang) -> (PublicUpdate, …) newest first, for the pages: every publish with a
    change note (a release's shipped text has none) and every unpublish and republish."""
    rows = db.session.execute(
        select(ContentDocument.section, ContentDocument.slug, ContentPublication.lang,
               ContentPublication.published_at, ContentPublication.change_note, ContentPublication.action)
        .join(ContentPublication, ContentPublication.document_id == ContentDocument.id)
        .order_by(ContentPublication.published_at.desc(), ContentPublication.id.desc()))
    history = {}
    for section, slug, lang, published_at, note, action in rows:
        if note or action != "publish":
            history.setdefault((section, slug, lang), []).append(PublicUpdate(published_at, note or "", action))
    return {key: tuple(items) for key, items in history.items()}


def stale_translations():
    """(section, slug, lang) of live pages whose other language is newer."""
    rows = db.session.execute(
        select(ContentDocument.section, ContentDocument.slug, ContentLanguage.lang)
        .join(ContentLanguage, ContentLanguage.document_id == ContentDocument.id)
        .where(ContentLanguage.translation_stale.is_(True), ContentLanguage.live_revision_id.is_not(None)))
    return {tuple(row) for row in rows}
