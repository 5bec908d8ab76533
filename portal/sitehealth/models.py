"""What the site-health checks keep: link-check runs and their results, the stale-column e-mails
already sent, the visitors' problem reports and the reply-clock escalations already made.

The dashboard reads these; it never checks anything itself while a page loads."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, db


def now():
    return datetime.now(UTC)


class SiteCheckRun(db.Model):
    """One `flask site check` (or worker-loop) run of the link checks; the dashboard shows the latest
    finished one, so a run in progress never shows half its results."""

    __tablename__ = "site_check_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked: Mapped[int] = mapped_column(Integer, default=0)
    broken: Mapped[int] = mapped_column(Integer, default=0)
    results = relationship("LinkResult", back_populates="run", cascade="all, delete-orphan",
                           order_by="LinkResult.id")


class LinkResult(db.Model):
    """The result of checking one address in one run, with the published pages it is on."""

    __tablename__ = "link_result"
    __table_args__ = (Index("ix_link_result_run_outcome", "run_id", "outcome"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("site_check_run.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    # ok, redirect (ends somewhere that answers), broken (4xx/5xx), loop (a redirect loop or too
    # many), timeout, error (no connection, bad TLS…), robots (robots.txt disallows: not fetched),
    # skipped (external, and the run was --internal-only)
    outcome: Mapped[str] = mapped_column(String(10))
    status: Mapped[int | None] = mapped_column(Integer)      # the last HTTP status seen
    redirect_to: Mapped[str | None] = mapped_column(Text)    # where redirects ended
    detail: Mapped[str] = mapped_column(String(300), default="")
    pages: Mapped[list] = mapped_column(db.JSON, default=list)  # [[page path, title], …]
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    run = relationship(SiteCheckRun, back_populates="results")


class ColumnNotice(db.Model):
    """A stale-column warning e-mailed to the editors: one per column and cycle (the cycle is named
    by the date of the column's latest item), so the unique key stops a second e-mail even when two
    worker loops run the check at once."""

    __tablename__ = "column_notice"
    __table_args__ = (UniqueConstraint("column", "cycle", name="uq_column_notice_cycle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    column: Mapped[str] = mapped_column(String(40))
    cycle: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ProblemReport(db.Model):
    """A visitor's "这个页面有问题？" report: the page, what is wrong and, optionally, an e-mail
    address for an answer (personal data: removed with the report's other text after the retention
    period). It counts on the reply clock like a message (portal/sitehealth/replies.py)."""

    __tablename__ = "problem_report"
    __table_args__ = (Index("ix_problem_report_open", "answered_at", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    page_path: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(5))
    what: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hard_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answer_note: Mapped[str] = mapped_column(Text, default="")


class ReplyEscalation(db.Model):
    """A reply-clock escalation already made: one per item and stage (past the reply limit, past the
    hard limit), inserted under a unique key, so of two worker loops exactly one e-mails."""

    __tablename__ = "reply_escalation"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "stage", name="uq_reply_escalation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))   # request, follow-up, report
    item_id: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(10))       # limit, hard
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
