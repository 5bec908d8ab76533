"""Acting on requests: each action one transaction, with its audit event and its e-mails.

Views call act(); the table in workflow.py decides what is allowed. Each action is a
compare-and-set: the form carries the status and version the member of staff saw, the write
transaction begins immediately on SQLite (portal.db.begin_write) and locks the row on PostgreSQL,
and a conditional UPDATE finds the request only at the version seen. Of two actions released
together exactly one applies; the other changes nothing (no event, routing or e-mail) and its
author is told the request changed meanwhile.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, url_for
from sqlalchemy import case, func, select, update

from portal.casework import workflow
from portal.db import as_utc, begin_write, db
from portal.institutions import assignment
from portal.institutions.routing import Assignment
from portal.models import AssistanceRequest, AuditEvent, Institution, OutboxMessage, RoutingDecision, User
from portal.notify import messages, sms
from portal.web import status_url


class NotVisible(Exception):
    """The request does not exist or the actor may not see it: the views answer 404 for both, and
    nothing else (a KeyError or IndexError from a bug is not mistaken for it)."""


class ActionRefused(Exception):
    """Why an action was not applied; `reason` is one of: not-allowed, changed, missing-text,
    no-institution, call-time."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Actor:
    id: int
    role: str
    institution_id: int | None

    @property
    def label(self):
        return f"user:{self.id}"

    @classmethod
    def of(cls, user):
        return cls(user.id, user.role, user.institution_id)


def visible_requests(actor):
    """The select of requests `actor` may see: their institution's, or all for coordinators."""
    query = select(AssistanceRequest)
    if actor.role == "coordinator":
        return query
    if actor.role == "staff" and actor.institution_id is not None:
        return query.where(AssistanceRequest.institution_id == actor.institution_id)
    return query.where(False)


def find_visible(actor, request_id, for_update=False):
    query = visible_requests(actor).where(AssistanceRequest.id == request_id)
    if for_update:
        # populate_existing: the view may have read this request already in this session, and
        # the locked read must replace that copy with what is in the database now.
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def once_held(actor, request_id):
    """Whether the actor's institution was given this request at some time: such a person, acting
    on a request passed on meanwhile, is told it changed (409); anyone else gets the 404 of a
    request that is not theirs, which says nothing about whether it exists."""
    if actor.institution_id is None:
        return False
    declined_by = db.session.scalar(select(AssistanceRequest.declined_by).where(AssistanceRequest.id == request_id))
    if declined_by and actor.institution_id in declined_by:
        return True
    return db.session.scalar(select(RoutingDecision.id).where(
        RoutingDecision.request_id == request_id, RoutingDecision.institution_id == actor.institution_id)
        .limit(1)) is not None


def act(actor, request_id, action, *, seen_status, seen_version, text="", institution_id=None, called_at=None,
        now=None):
    """Apply `action` to a request `actor` can see, if it is still at `seen_status` and
    `seen_version`. Returns the request; raises ActionRefused, or NotVisible when the actor cannot
    see it. Commits on success, rolls back on refusal."""
    now = now or datetime.now(UTC)
    try:
        begin_write()
        request = find_visible(actor, request_id, for_update=True)
        if request is None:
            raise NotVisible(request_id)
        if request.status != seen_status or request.version != seen_version:
            raise ActionRefused("changed")
        if not workflow.allowed(action, request.status, actor.role):
            raise ActionRefused("not-allowed")
        transition = workflow.ACTIONS[action]
        text = (text or "").strip()
        if transition.needs_text and not text:
            raise ActionRefused("missing-text")
        # A call is recorded after it happened and not before the request arrived (to the minute:
        # the form gives minutes).
        arrived = as_utc(request.created_at).replace(second=0, microsecond=0)
        if action == "call" and (called_at is None or not arrived <= called_at <= now):
            raise ActionRefused("call-time")
        _claim(request, transition)
        _apply(request, action, transition, actor, text, institution_id, called_at or now, now)
        db.session.commit()
        return request
    except BaseException:
        db.session.rollback()
        raise


def _claim(request, transition):
    """The compare-and-set, before anything else is written: the row is found only at the version
    this transaction read. An action that changes the status or the institution raises the
    version, so a second one released at the same moment finds nothing and is refused; notes
    and replies leave it, so they never refuse each other."""
    step = 1 if transition.to_status else 0
    claimed = db.session.execute(
        update(AssistanceRequest)
        .where(AssistanceRequest.id == request.id, AssistanceRequest.version == request.version)
        .values(version=AssistanceRequest.version + step)).rowcount
    if claimed != 1:
        raise ActionRefused("changed")


def _apply(request, action, transition, actor, text, institution_id, responded_at, now):
    before = {"status": request.status, "institution": request.institution_id}
    site_url = current_app.config["SITE_URL"]
    if transition.first_response and (request.first_response_at is None
                                      or responded_at < as_utc(request.first_response_at)):
        request.first_response_at = responded_at
    if action in ("decline", "reassign"):
        if action == "decline":
            request.declined_by = sorted({*request.declined_by, request.institution_id})
            decision = assignment.assign(request, excluded=set(request.declined_by))
        else:
            target = db.session.get(Institution, institution_id) if institution_id else None
            if target is None or not target.active:
                raise ActionRefused("no-institution")
            decision = Assignment(target.id, None, f"reassigned by coordinator {actor.label}")
        after = {"reason": text} if action == "decline" else {"reason": text, "institution": institution_id}
        db.session.add(AuditEvent(request=request, actor=actor.label, action=action, before=before, after=after))
        if assignment.needs_consent(request, decision):
            # Another kind of recipient than the one the requester agreed to: the move waits for
            # their consent on the status page; they are told by e-mail and SMS.
            assignment.ask_consent(request, decision, actor=actor.label)
            db.session.flush()
            target = db.session.get(Institution, decision.institution_id)
            if request.email:
                subject, body = messages.consent_needed(request, target, status_url(request, external=True))
                db.session.add(OutboxMessage(request_id=request.id, purpose=f"consent-{len(request.events)}",
                                             recipient=request.email, subject=subject, body=body))
            sms.queue(request, "consent", f"sms-consent-{len(request.events)}", site_url,
                      current_app.config["SMS_SIGN_NAME"])
            return
        request.first_response_at = None  # the new institution's clock starts now (place() sets it)
        assignment.place(request, decision, actor=actor.label, site_url=site_url)
        if decision is not None and decision.institution_id != before["institution"] and request.email:
            db.session.flush()
            subject, body = messages.moved(request, status_url(request, external=True))
            db.session.add(OutboxMessage(request_id=request.id, purpose=f"moved-{len(request.events)}",
                                         recipient=request.email, subject=subject, body=body))
        return
    if transition.to_status:
        request.status = transition.to_status
    if action == "answer":
        request.answered_at = now
    elif action in ("close", "close-unanswered"):
        request.closed_at = now
    elif action == "reopen":
        request.closed_at = request.answered_at = None
    after = {"status": request.status}
    if text:
        after["message" if action == "reply" else "text"] = text
    if action == "call":
        after["called_at"] = responded_at.isoformat()
    event = AuditEvent(request=request, actor=actor.label, action=_event_name(action), before=before, after=after,
                       public=transition.public, created_at=now)
    db.session.add(event)
    if action == "reply":
        db.session.flush()  # the event's id names the e-mail, so each reply is sent once
        subject, body = messages.reply(request, text, status_url(request, external=True))
        if request.email:
            db.session.add(OutboxMessage(request_id=request.id, purpose=f"reply-{event.id}",
                                         recipient=request.email, subject=subject, body=body))
    if action in ("answer", "close", "close-unanswered") and request.email and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.request_id == request.id,
                                           OutboxMessage.purpose == "rating-invitation")) is None:
        # 好差评: asked once, when the matter is first answered or closed, by e-mail (the answered
        # and closed SMS ask too; the status page shows the button).
        rate_url = site_url + url_for("ratings.rate", lang=request.lang, token=request.status_token)
        subject, body = messages.rating_invitation(request, rate_url)
        db.session.add(OutboxMessage(request_id=request.id, purpose="rating-invitation",
                                     recipient=request.email, subject=subject, body=body))
    sms_template = SMS_ON.get(action)
    if sms_template:
        db.session.flush()
        sms.queue(request, sms_template, f"sms-{sms_template}-{event.id}", site_url,
                  current_app.config["SMS_SIGN_NAME"])


# The SMS a requester who agreed to them gets, by action: an institution wrote, answered, closed.
SMS_ON = {"reply": "message", "answer": "answered", "close": "closed", "close-unanswered": "closed"}


def unread_messages(request_ids):
    """The requests among `request_ids` whose requester wrote after staff last acted on them."""
    if not request_ids:
        return set()
    rows = db.session.execute(
        select(AuditEvent.request_id,
               func.max(case((AuditEvent.action.in_(("requester-message", "requester-resolved")), AuditEvent.id))),
               func.max(case((AuditEvent.actor.like("user:%"), AuditEvent.id))))
        .where(AuditEvent.request_id.in_(request_ids)).group_by(AuditEvent.request_id)).all()
    return {request_id for request_id, wrote, acted in rows if wrote and (acted is None or wrote > acted)}


def _event_name(action):
    # The requester's timeline names events by what happened, not by the button.
    return {"accept": "accepted", "reply": "replied", "call": "called", "answer": "answered", "close": "closed",
            "close-unanswered": "closed", "reopen": "reopened", "note": "note"}[action]


def overdue_condition(now):
    return (AssistanceRequest.status.in_(("assigned", "accepted")), AssistanceRequest.first_response_at.is_(None),
            AssistanceRequest.due_at.is_not(None), AssistanceRequest.due_at < now)


def escalate_overdue(now=None):
    """Escalate each overdue request once: an audit event and one e-mail per active coordinator.
    Returns how many were escalated. Safe to run from several processes at once: the conditional
    UPDATE lets exactly one of them claim each request."""
    now = now or datetime.now(UTC)
    site_url = current_app.config["SITE_URL"]
    candidates = db.session.scalars(select(AssistanceRequest.id).where(
        *overdue_condition(now), AssistanceRequest.escalated_at.is_(None))).all()
    coordinators = db.session.scalars(select(User).where(User.role == "coordinator", User.active)).all()
    escalated = 0
    for request_id in candidates:
        claimed = db.session.execute(
            update(AssistanceRequest)
            .where(AssistanceRequest.id == request_id, AssistanceRequest.escalated_at.is_(None))
            .values(escalated_at=now)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        request = db.session.get(AssistanceRequest, request_id)
        event = AuditEvent(request=request, actor="sla", action="escalated", created_at=now,
                           after={"due_at": request.due_at.isoformat(), "coordinators": len(coordinators)})
        db.session.add(event)
        db.session.flush()
        for coordinator in coordinators:
            subject, body = messages.escalation(request, coordinator, site_url)
            db.session.add(OutboxMessage(request_id=request.id, purpose=f"escalation-{event.id}",
                                         recipient=coordinator.email, subject=subject, body=body))
        db.session.commit()
        escalated += 1
    return escalated


REPORT_COLUMNS = ("tracking_number", "request_type", "county", "industry", "institution", "status", "received_at",
                  "due_at", "first_response_at", "answered_at", "closed_at", "responded_on_time")


def export_rows(actor):
    """The CSV export: only what reporting needs (no names, phones, e-mails or descriptions)."""
    query = visible_requests(actor).order_by(AssistanceRequest.id)
    institutions = dict(db.session.execute(select(Institution.id, Institution.slug)).all())
    yield REPORT_COLUMNS
    for request in db.session.scalars(query).yield_per(500):
        on_time = "" if request.first_response_at is None or request.due_at is None else (
            "yes" if as_utc(request.first_response_at) <= as_utc(request.due_at) else "no")
        yield (request.tracking_number, request.request_type, request.county, request.industry,
               institutions.get(request.institution_id, ""), request.status, _iso(request.created_at),
               _iso(request.due_at), _iso(request.first_response_at), _iso(request.answered_at),
               _iso(request.closed_at), on_time)



def _iso(moment):
    return as_utc(moment).isoformat(timespec="seconds") if moment else ""


def is_overdue(request, now=None):
    now = now or datetime.now(UTC)
    return (request.status in ("assigned", "accepted") and request.first_response_at is None
            and request.due_at is not None and as_utc(request.due_at) < now)
