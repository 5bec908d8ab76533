"""Words to avoid in the editorial workflow (the list: portal/content/terms.yaml).

The editor shows every finding on a draft before it is submitted. A serious one (a wrong or
obsolete name of an institution, an unfinished placeholder) blocks publishing and scheduling until
a reviewer who is not the change's author confirms it with a reason; the confirmation belongs to
the revision it was given for, so a later edit needs a new one. Advisory findings never block.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.content.catalog import page_from_text
from portal.content.store import now
from portal.content.terms import page_findings
from portal.db import UTCDateTime, db


class TermConfirmation(db.Model):
    """A reviewer's confirmation that a serious term is right where it stands in one revision."""

    __tablename__ = "content_term_confirmation"
    __table_args__ = (UniqueConstraint("revision_id", "term", name="uq_term_confirmation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("content_revision.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


def text_findings(section, slug, lang, text):
    """Findings on a page's whole text (front matter and body); none when it does not load (its
    problems are reported by the checks, not here)."""
    page, _problems = page_from_text(section, slug, lang, text, f"{section}/{slug}.{lang}.md", now().date())
    return page_findings(page) if page else []


def confirmations(revision_ids):
    """{revision id: {term: TermConfirmation}} for these revisions."""
    found = {}
    if revision_ids:
        for row in db.session.scalars(select(TermConfirmation).where(TermConfirmation.revision_id.in_(revision_ids))):
            found.setdefault(row.revision_id, {})[row.term] = row
    return found


def unconfirmed_serious(document, heads):
    """{lang: [Finding]} of serious findings on the pending heads ({lang: revision}) no reviewer
    confirmed: what blocks publishing."""
    confirmed = confirmations([revision.id for revision in heads.values()])
    blocking = {}
    for lang, revision in heads.items():
        left = [finding for finding in text_findings(document.section, document.slug, lang, revision.text)
                if finding.serious and finding.term.term not in confirmed.get(revision.id, {})]
        if left:
            blocking[lang] = left
    return blocking


def confirm(revision, term, reason, reviewer):
    """Record a reviewer's confirmation (in the caller's transaction); False if it was already given."""
    if db.session.scalar(select(TermConfirmation.id).where(TermConfirmation.revision_id == revision.id,
                                                           TermConfirmation.term == term)):
        return False
    db.session.add(TermConfirmation(revision_id=revision.id, term=term, reason=reason.strip(), reviewer_id=reviewer.id))
    return True
