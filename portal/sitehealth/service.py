"""The site-health checks over the catalog and the database: columns, links, words, replies.

`run_checks` is what `flask site check` and the worker loop run; the dashboard only reads what
they stored (links) or computes from data already in memory (columns, words) and one query each
(replies). E-mails go through the outbox, each once: a unique key per column and cycle, per item
and escalation stage.
"""

import logging
import threading
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.content.schema import SECTIONS
from portal.content.terms import page_findings
from portal.db import as_utc, db
from portal.models import AssistanceRequest, OutboxMessage, RatingFollowUp, User
from portal.sitehealth import columns, links, replies
from portal.sitehealth.models import ColumnNotice, LinkResult, ProblemReport, ReplyEscalation, SiteCheckRun
from portal.sla import BEIJING
from portal.vocab import OPEN_STATUSES

log = logging.getLogger(__name__)
KEEP_RUNS = 3


def _now():
    return datetime.now(UTC)


def _catalog():
    return current_app.extensions["catalog"]


def _settings():
    return current_app.extensions["sitehealth"]


# Columns

def column_states(today=None, lang="zh"):
    today = today or _now().astimezone(BEIJING).date()
    pages = [page for page in _catalog() if page.lang == lang]
    return columns.column_states(pages, set(SECTIONS.values()), _settings()["cycles"], today,
                                 current_app.config["COLUMN_WARN_DAYS"])


def notify_stale_columns(today=None):
    """E-mail the editors about each column within COLUMN_WARN_DAYS of going stale (or stale, or
    empty), once per column and cycle. Returns the columns e-mailed about."""
    sent = []
    editors = _users_with_roles(("editor",))
    for state in column_states(today):
        if state.status == "ok":
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ColumnNotice(column=state.column.kind, cycle=state.cycle))
        except IntegrityError:
            continue  # this cycle's e-mail went already (or another worker is sending it now)
        for editor in editors:
            subject, body = _column_mail(state, editor)
            db.session.add(OutboxMessage(purpose=f"column-{state.column.kind}-{state.cycle}", recipient=editor.email,
                                         subject=subject, body=body))
        db.session.commit()
        sent.append(state.column.kind)
    return sent


def _column_mail(state, editor):
    with force_locale(editor.lang):
        name = str(state.column.label)
        if state.status == "empty":
            subject = _("Empty column: %(column)s", column=name)
            first = _("The column \"%(column)s\" has no published item. Inspections count an empty column "
                      "against the site.", column=name)
        elif state.status == "stale":
            subject = _("Column out of date: %(column)s", column=name)
            first = _("The column \"%(column)s\" has had no new item for longer than its cycle of %(days)s days "
                      "(latest: %(date)s).", column=name, days=state.days, date=state.latest.isoformat())
        else:
            subject = _("Column due soon: %(column)s", column=name)
            first = _("The column \"%(column)s\" goes out of date in %(left)s days unless a new item is published "
                      "(latest: %(date)s, cycle: %(days)s days).", column=name, left=state.days_left,
                      date=state.latest.isoformat(), days=state.days)
        url = f"{current_app.config['SITE_URL']}/{editor.lang}/staff/site-health#columns"
        body = "\n".join(str(line) for line in (first, "", _("The site-health page: %(url)s", url=url), "",
                                                _("Hengshui IP Service Portal")))
        return str(subject), body


# Links

def run_link_check(external=True, checker=None):
    """Check every internal link and external address of the live pages; store the run. Returns it."""
    app = current_app._get_current_object()
    internal, outside = links.collect(list(_catalog()))
    run = SiteCheckRun(started_at=_now())
    db.session.add(run)
    db.session.commit()
    results = links.check_internal(app.test_client(), internal)
    checked_at = _now()
    if external:
        checker = checker or links.ExternalChecker(
            app.config["LINK_CHECK_CONCURRENCY"], app.config["LINK_CHECK_TIMEOUT"],
            app.config["LINK_CHECK_HOST_DELAY"], app.config["LINK_CHECK_USER_AGENT"])
        results.update(checker.check(outside))
    else:
        results.update({url: links.Result(url, "skipped", detail="not fetched (--internal-only)") for url in outside})
    for url, result in results.items():
        on_pages = internal.get(url) or outside.get(url) or []
        db.session.add(LinkResult(run_id=run.id, url=url, internal=url in internal, outcome=result.outcome,
                                  status=result.status, redirect_to=result.redirect_to, detail=result.detail[:300],
                                  pages=[list(where) for where in on_pages], checked_at=checked_at))
    run.checked = len(results)
    run.broken = sum(1 for result in results.values() if result.broken)
    run.finished_at = _now()
    db.session.commit()
    old = db.session.scalars(select(SiteCheckRun.id).where(SiteCheckRun.finished_at.is_not(None))
                             .order_by(SiteCheckRun.id.desc()).offset(KEEP_RUNS)).all()
    if old:
        db.session.execute(delete(LinkResult).where(LinkResult.run_id.in_(old)))
        db.session.execute(delete(SiteCheckRun).where(SiteCheckRun.id.in_(old)))
        db.session.commit()
    return run


def latest_run():
    return db.session.scalar(select(SiteCheckRun).where(SiteCheckRun.finished_at.is_not(None))
                             .order_by(SiteCheckRun.id.desc()).limit(1))


OUTCOME_ORDER = ("broken", "loop", "timeout", "error", "robots", "skipped", "redirect", "ok")


def link_rows(run):
    """The run's results, broken ones first."""
    if run is None:
        return []
    rows = db.session.scalars(select(LinkResult).where(LinkResult.run_id == run.id)).all()
    return sorted(rows, key=lambda row: (OUTCOME_ORDER.index(row.outcome), row.url))


# Words

def word_findings(lang=None):
    """[(page, [Finding])] of live pages with words to avoid, pages with serious ones first."""
    found = [(page, page_findings(page)) for page in _catalog() if lang is None or page.lang == lang]
    found = [(page, findings) for page, findings in found if findings]
    return sorted(found, key=lambda item: (not any(f.serious for f in item[1]), item[0].path))


# Replies

def reply_clocks(now=None):
    """Every open item's reply clock, the latest first to fall due first."""
    now = now or _now()
    calendar, _days = current_app.extensions["sla"]
    settings = _settings()
    warn, months = current_app.config["REPLY_WARN_WORKING_DAYS"], current_app.config["REPLY_HARD_LIMIT_MONTHS"]
    days = settings["reply_days"]
    clocks = []
    for request in db.session.scalars(select(AssistanceRequest).where(AssistanceRequest.status.in_(OPEN_STATUSES))):
        clocks.append(replies.clock_for("request", request.id, request.tracking_number or str(request.id),
                                        as_utc(request.created_at), days.get(request.request_type, days["default"]),
                                        calendar, warn, months))
    for follow_up in db.session.scalars(select(RatingFollowUp).where(RatingFollowUp.closed_at.is_(None))):
        clocks.append(replies.clock_for("follow-up", follow_up.id, follow_up.request.tracking_number or "",
                                        as_utc(follow_up.opened_at), 0, calendar, warn, months,
                                        due_at=as_utc(follow_up.due_at)))
    for report in db.session.scalars(select(ProblemReport).where(ProblemReport.answered_at.is_(None))):
        clocks.append(replies.ReplyClock("report", report.id, report.page_path, as_utc(report.created_at),
                                         as_utc(report.due_at), as_utc(report.hard_due_at),
                                         _warn_for_report(report, calendar, warn)))
    return sorted(clocks, key=lambda clock: clock.due_at)


def _warn_for_report(report, calendar, warn):
    return replies.clock_for("report", report.id, "", as_utc(report.created_at), 0, calendar, warn, 1,
                             due_at=as_utc(report.due_at)).warn_at


def escalate_replies(now=None):
    """Escalate each item past its reply limit once, and again once past the hard limit: an e-mail
    to the coordinators (requests, follow-ups) or the editors (problem reports), and the
    administrators too at the hard limit. Returns how many escalations were made."""
    now = now or _now()
    made = 0
    for clock in reply_clocks(now):
        state = clock.state(now)
        if state not in ("overdue", "hard"):
            continue
        stages = ["limit"] + (["hard"] if state == "hard" else [])
        for stage in stages:
            try:
                with db.session.begin_nested():
                    db.session.add(ReplyEscalation(item_kind=clock.kind, item_id=clock.item_id, stage=stage,
                                                   escalated_at=now))
            except IntegrityError:
                continue
            roles = ("editor",) if clock.kind == "report" else ("coordinator",)
            if stage == "hard":
                roles += ("admin",)
            for person in _users_with_roles(roles):
                subject, body = _reply_mail(clock, stage, person)
                db.session.add(OutboxMessage(purpose=f"reply-{stage}-{clock.kind}-{clock.item_id}",
                                             recipient=person.email, subject=subject, body=body))
            db.session.commit()
            made += 1
    return made


def _reply_mail(clock, stage, person):
    with force_locale(person.lang):
        what = {"request": _("request %(label)s", label=clock.label),
                "follow-up": _("the follow-up of request %(label)s", label=clock.label),
                "report": _("the problem report about %(label)s", label=clock.label)}[clock.kind]
        if stage == "hard":
            subject = _("Unanswered for %(months)s months: %(what)s", what=what,
                        months=current_app.config["REPLY_HARD_LIMIT_MONTHS"])
            first = _("%(what)s has had no reply for %(months)s months. Inspections count this against the site "
                      "outright. Please reply now.", what=what, months=current_app.config["REPLY_HARD_LIMIT_MONTHS"])
        else:
            subject = _("Past its reply limit: %(what)s", what=what)
            first = _("%(what)s was due for a reply and has none yet.", what=what)
        url = f"{current_app.config['SITE_URL']}/{person.lang}/staff/site-health#replies"
        body = "\n".join(str(line) for line in (first, "", _("The site-health page: %(url)s", url=url), "",
                                                _("Hengshui IP Service Portal")))
        return str(subject), body


# Problem reports

def save_report(page_path, lang, what, email, now=None):
    now = now or _now()
    calendar, _days = current_app.extensions["sla"]
    days = _settings()["reply_days"]["report"]
    report = ProblemReport(page_path=page_path, lang=lang, what=what.strip(), email=email or "", created_at=now,
                           due_at=calendar.due_at(now, days),
                           hard_due_at=replies.add_months(now, current_app.config["REPLY_HARD_LIMIT_MONTHS"]))
    db.session.add(report)
    db.session.commit()
    return report


def open_reports():
    return db.session.scalars(select(ProblemReport).where(ProblemReport.answered_at.is_(None))
                              .order_by(ProblemReport.due_at)).all()


def answer_report(report_id, actor_label, note, now=None):
    """Mark a report dealt with; False when it is not open (answered by someone else, or none)."""
    report = db.session.get(ProblemReport, report_id)
    if report is None or report.answered_at is not None:
        return False
    report.answered_at = now or _now()
    report.answered_by = actor_label
    report.answer_note = note.strip()
    db.session.commit()
    return True


def purge_reports(now=None):
    """Remove the text and e-mail address of reports answered more than RETENTION_DAYS ago."""
    now = now or _now()
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    old = db.session.scalars(select(ProblemReport).where(ProblemReport.answered_at < cutoff,
                                                         ProblemReport.email != "")).all()
    for report in old:
        report.email, report.what, report.answer_note = "", "", ""
    db.session.commit()
    return len(old)


def _users_with_roles(roles):
    return db.session.scalars(select(User).where(User.role.in_(roles), User.active).order_by(User.id)).all()


# Everything, for `flask site check` and the worker loop

def run_checks(external=True):
    run = run_link_check(external=external)
    columns_sent = notify_stale_columns()
    escalated = escalate_replies()
    purge_reports()
    return run, columns_sent, escalated


_checking = threading.Lock()  # one check at a time in this process
check_thread = None             # the latest background check (tests join it)


def daily_task():
    """The worker loop's run, in a thread of its own: fetching every external address takes
    minutes, and the loop's other tasks (the outbox, scheduled publishing) must not wait for it.
    Skipped when this process is still checking, or a check (by another host's loop or cron)
    finished within the period."""
    global check_thread
    hours = current_app.config["SITE_CHECK_HOURS"]
    recent = db.session.scalar(select(SiteCheckRun.id).where(
        SiteCheckRun.finished_at > _now() - timedelta(hours=hours * 0.9)).limit(1))
    if recent is not None or not _checking.acquire(blocking=False):
        return False
    app = current_app._get_current_object()

    def work():
        try:
            with app.app_context():
                run_checks()
        except Exception:
            log.exception("site check failed")
        finally:
            _checking.release()

    check_thread = threading.Thread(target=work, name="site-check", daemon=True)
    check_thread.start()
    return False  # nothing for the loop itself to hurry on
