"""Giving a request to an institution: the routing tables read from the database, the decision
(portal/institutions/routing.py decides; this module only feeds it facts), and the placement with
its audit event, e-mail and service clock. Used by intake (a new request) and casework (a decline
or a reassignment) alike, so both place a request the same way."""

import time
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import bindparam, func, select

from portal import sla
from portal.db import db
from portal.institutions import routing
from portal.models import AssistanceRequest, AuditEvent, Institution, OutboxMessage, RoutingDecision, RoutingRule
from portal.notify import messages
from portal.vocab import OPEN_STATUSES

# Built once: making this statement and its cache key cost more than running it (~0.1 ms a time,
# twice per submission); the institutions named are a bound parameter.
OPEN_REQUESTS = (select(AssistanceRequest.institution_id, func.count())
                 .where(AssistanceRequest.institution_id.in_(bindparam("named", expanding=True)),
                        AssistanceRequest.status.in_(OPEN_STATUSES))
                 .group_by(AssistanceRequest.institution_id))


def routing_tables():
    """Institutions and active rules, reread at most every ROUTING_CACHE_SECONDS per process (and
    app): an administrator's change applies within that time, and a submission saves two queries."""
    cached = current_app.extensions.get("routing_tables")
    if cached is None or time.monotonic() - cached[0] > current_app.config["ROUTING_CACHE_SECONDS"]:
        institutions = tuple(db.session.execute(select(Institution.id, Institution.kind, Institution.active)).all())
        rules = tuple(
            routing.Rule(r.id, r.priority, r.institution_id, r.request_type, r.county, r.industry)
            for r in db.session.execute(select(RoutingRule.id, RoutingRule.priority, RoutingRule.institution_id,
                                               RoutingRule.request_type, RoutingRule.county, RoutingRule.industry)
                                        .where(RoutingRule.active)).all())
        cached = current_app.extensions["routing_tables"] = (time.monotonic(), institutions, rules)
    return cached[1], cached[2]


def forget_routing_tables():
    current_app.extensions.pop("routing_tables", None)


def assign(request, excluded=()):
    """The routing decision for a request, from the rules and institutions in the database.

    Open requests are counted only for the institutions the matching rules name (usually one or
    two), through the (institution_id, status) index: the whole table is never scanned."""
    institutions, rules = routing_tables()
    centre = next((i for i in institutions if i.kind == "center" and i.active), None)
    if centre is None:
        return None
    facts = routing.RequestFacts(request.request_type, request.county, request.industry)
    named = {rule.institution_id for rule in rules if routing.rule_matches(rule, facts)}
    counts = dict(db.session.execute(OPEN_REQUESTS, {"named": sorted(named)}).all()) if named else {}
    candidates = {i.id: routing.Candidate(i.id, i.active, counts.get(i.id, 0)) for i in institutions}
    return routing.route_request(facts, rules, candidates, centre.id, excluded)


def place(request, decision, *, actor, site_url, first=False):
    """Give `request` to the institution `decision` names: the decision, the timeline event, the
    institution's e-mail and a new service clock. Also used when a request is declined or
    reassigned. Does not commit."""
    if decision is None:
        return
    now = datetime.now(UTC)
    request.institution_id, request.status = decision.institution_id, "assigned"
    request.due_at, request.escalated_at = sla.due_for(request.request_type, now), None
    decision_row = RoutingDecision(request_id=request.id, institution_id=decision.institution_id,
                                   rule_id=decision.rule_id, reason=decision.reason)
    db.session.add(decision_row)
    db.session.add(AuditEvent(request=request, actor=actor, action="assigned", public=True,
                              after={"institution": decision.institution_id, "rule": decision.rule_id}))
    institution = db.session.get(Institution, decision.institution_id)
    request.institution = institution
    purpose = "institution-notice"
    if not first:  # a later placement: the decision's id keeps each notice's purpose unique
        db.session.flush()
        purpose += f"-{decision_row.id}"
    subject, body = messages.institution_notice(request, institution, site_url)
    db.session.add(OutboxMessage(request_id=request.id, purpose=purpose,
                                 recipient=institution.email, subject=subject, body=body))


def needs_consent(request, decision):
    """A move to a different kind of recipient than the one the requester's data is with now waits
    for their consent (the consent they gave named a kind of recipient); the same kind proceeds."""
    if decision is None or request.institution_id is None or decision.institution_id == request.institution_id:
        return False
    current = db.session.get(Institution, request.institution_id)
    target = db.session.get(Institution, decision.institution_id)
    return current is not None and target is not None and current.kind != target.kind


def ask_consent(request, decision, *, actor):
    """Hold the move until the requester agrees on the status page; the old clock stops meanwhile
    (nobody can be late for a request that waits for its requester). Does not commit."""
    request.pending_move = {"institution": decision.institution_id, "rule": decision.rule_id,
                            "reason": decision.reason}
    request.due_at = None
    db.session.add(AuditEvent(request=request, actor=actor, action="consent-asked", public=True,
                              after={"institution": decision.institution_id}))


def refused_move(request, *, consent_version, site_url):
    """The requester did not agree: the other institution never receives the request, which stays
    with the institution that has it now, on a new service clock (the old one stopped while the
    move waited), and that institution is told by e-mail (no personal data). Does not commit."""
    move = request.pending_move
    request.pending_move = None
    request.due_at, request.escalated_at = sla.due_for(request.request_type, datetime.now(UTC)), None
    event = AuditEvent(request=request, actor="requester", action="consent-refused", public=True,
                       after={"institution": move["institution"], "consent_version": consent_version})
    db.session.add(event)
    db.session.flush()
    if request.institution is not None:
        subject, body = messages.move_refused(request, request.institution, site_url)
        db.session.add(OutboxMessage(request_id=request.id, purpose=f"move-refused-{event.id}",
                                     recipient=request.institution.email, subject=subject, body=body))


def consented_move(request, *, consent_version, site_url):
    """The requester agreed: place the request with the institution the move names. Does not commit."""
    move = request.pending_move
    request.pending_move = None
    db.session.add(AuditEvent(request=request, actor="requester", action="consent-given", public=True,
                              after={"institution": move["institution"], "consent_version": consent_version}))
    place(request, routing.Assignment(move["institution"], move["rule"], move["reason"]), actor="requester",
          site_url=site_url)
