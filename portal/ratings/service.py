"""Saving ratings and follow-ups: each one transaction. The request is read FOR UPDATE (PostgreSQL)
before its rating changes, and the unique keys on rating.request_id and rating_follow_up.request_id
hold the "once" even if two saves race on a database without row locks."""

from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from portal.db import as_utc, db
from portal.models import AuditEvent, OutboxMessage, Rating, RatingFollowUp, User
from portal.ratings import rules


class RatingRefused(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def rating_of(request):
    return db.session.scalar(select(Rating).where(Rating.request_id == request.id))


def state(request, now=None):
    """What the rating page may offer for `request` now (rules.may_rate), and its rating if any."""
    now = now or datetime.now(UTC)
    rating = rating_of(request)
    first = as_utc(rating.first_rated_at) if rating else None
    return rules.may_rate(request.status, request.anonymized_at is not None, first, now), rating


def rate(request, level, comment, now=None):
    """Give or change `request`'s rating (the caller read it FOR UPDATE). Opens the follow-up of a
    bad rating once. Commits; raises RatingRefused (rolled back) when the rules say no."""
    now = now or datetime.now(UTC)
    try:
        decision, rating = state(request, now)
        if decision not in ("new", "change") or level not in rules.LEVELS:
            raise RatingRefused(decision if decision not in ("new", "change") else "level")
        before = {"level": rating.level} if rating else None
        if rating is None:
            rating = Rating(request_id=request.id, level=level, comment=comment, first_rated_at=now, rated_at=now)
            db.session.add(rating)
        else:
            rating.level, rating.comment, rating.rated_at = level, comment, now
        # The timeline records the level, never the comment (comments are not public, not even there).
        db.session.add(AuditEvent(request=request, actor="requester", action="rated", before=before,
                                  after={"level": level}, public=True, created_at=now))
        if rules.needs_follow_up(level) and db.session.scalar(
                select(RatingFollowUp.id).where(RatingFollowUp.request_id == request.id)) is None:
            calendar, _days = current_app.extensions["sla"]
            db.session.add(RatingFollowUp(request_id=request.id, opened_at=now,
                                          due_at=rules.follow_up_due(calendar, now)))
        db.session.commit()
        return rating
    except BaseException:
        db.session.rollback()
        raise


def close_follow_up(follow_up_id, actor_label, action_taken, called_back, now=None):
    """Close an open follow-up with what was done; False when someone closed it first."""
    now = now or datetime.now(UTC)
    closed = db.session.execute(
        update(RatingFollowUp).where(RatingFollowUp.id == follow_up_id, RatingFollowUp.closed_at.is_(None))
        .values(closed_at=now, closed_by=actor_label, action_taken=action_taken, called_back=called_back)).rowcount
    if closed != 1:
        db.session.rollback()
        return False
    follow_up = db.session.get(RatingFollowUp, follow_up_id)
    db.session.add(AuditEvent(request_id=follow_up.request_id, actor=actor_label, action="follow-up-closed",
                              after={"called_back": called_back, "text": action_taken}, created_at=now))
    db.session.commit()
    return True


def open_follow_ups():
    return db.session.scalars(select(RatingFollowUp).where(RatingFollowUp.closed_at.is_(None))
                              .order_by(RatingFollowUp.due_at)).all()


def escalate_overdue_follow_ups(now=None):
    """Escalate each overdue, open follow-up once: an audit event and one e-mail per active
    coordinator. The conditional UPDATE lets exactly one worker claim each. Returns how many."""
    now = now or datetime.now(UTC)
    site_url = current_app.config["SITE_URL"]
    candidates = db.session.scalars(select(RatingFollowUp.id).where(
        RatingFollowUp.closed_at.is_(None), RatingFollowUp.escalated_at.is_(None),
        RatingFollowUp.due_at < now)).all()
    coordinators = db.session.scalars(select(User).where(User.role == "coordinator", User.active)).all()
    escalated = 0
    for follow_up_id in candidates:
        claimed = db.session.execute(
            update(RatingFollowUp).where(RatingFollowUp.id == follow_up_id, RatingFollowUp.escalated_at.is_(None),
                                         RatingFollowUp.closed_at.is_(None))
            .values(escalated_at=now)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        follow_up = db.session.get(RatingFollowUp, follow_up_id)
        event = AuditEvent(request_id=follow_up.request_id, actor="sla", action="follow-up-escalated", created_at=now,
                           after={"due_at": as_utc(follow_up.due_at).isoformat()})
        db.session.add(event)
        db.session.flush()
        for coordinator in coordinators:
            subject, body = _escalation_mail(follow_up, coordinator, site_url)
            db.session.add(OutboxMessage(request_id=follow_up.request_id, purpose=f"follow-up-escalation-{event.id}",
                                         recipient=coordinator.email, subject=subject, body=body))
        db.session.commit()
        escalated += 1
    return escalated


def _escalation_mail(follow_up, coordinator, site_url):
    with force_locale(coordinator.lang):
        number = follow_up.request.tracking_number
        subject = _("Overdue: the follow-up of a bad rating of request %(number)s", number=number)
        body = "\n".join(str(line) for line in (
            _("The follow-up of a bad rating of request %(number)s was due and is not closed.", number=number),
            "",
            _("Open the follow-ups: %(url)s", url=f"{site_url}/{coordinator.lang}/staff/follow-ups/"),
            "",
            _("Hengshui IP Service Portal"),
        ))
        return subject, body
