"""Recording a 12345 ticket as a request (one transaction: the request, the ticket, the routing
decision and its audit events), and what to report back to 12345."""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.db import as_utc, db
from portal.institutions import assignment
from portal.models import AssistanceRequest, AuditEvent, HotlineTicket, Rating, tracking_number_for
from portal.notify import sms


class DuplicateTicket(Exception):
    """The ticket number is recorded already; `tracking_number` is the request it became."""

    def __init__(self, tracking_number):
        super().__init__(tracking_number)
        self.tracking_number = tracking_number


def existing(ticket_number):
    return db.session.scalar(select(AssistanceRequest.tracking_number).join(
        HotlineTicket, HotlineTicket.request_id == AssistanceRequest.id)
        .where(HotlineTicket.ticket_number == ticket_number))


def record(values, *, ticket_number, actor_label, lang, privacy_version, site_url, sms_signature=""):
    """Save the ticket's request and route it like a web request. Raises DuplicateTicket when the
    number is recorded already; the unique ticket_number decides, so two coordinators recording the
    same ticket at once end with one case. A caller who agreed to SMS (values["sms_consent_version"])
    gets the same SMS as a web requester: received (with the tracking number, which with their
    phone's last digits opens the status page), messages, and answered or closed asking for the
    好差评 rating, through the same rating page. Commits."""
    found = existing(ticket_number)
    if found:
        raise DuplicateTicket(found)
    try:
        request = AssistanceRequest(
            status_token=secrets.token_urlsafe(32), form_token=secrets.token_urlsafe(32), lang=lang,
            privacy_version=privacy_version, applicant_kind="other", credit_code=None, email="",
            details={}, status="received", **values)
        db.session.add(request)
        db.session.flush()
        request.tracking_number = tracking_number_for(request)
        db.session.add(HotlineTicket(ticket_number=ticket_number, request_id=request.id, recorded_by=actor_label))
        db.session.flush()  # the unique ticket number is checked here, before routing sends e-mails
        db.session.add(AuditEvent(request=request, actor=actor_label, action="received", public=True,
                                  after={"type": request.request_type, "attachments": 0, "hotline": ticket_number}))
        assignment.place(request, assignment.assign(request), actor="routing", site_url=site_url, first=True)
        sms.queue(request, "received", "sms-received", site_url, sms_signature)
        db.session.commit()
        return request
    except IntegrityError:
        db.session.rollback()
        found = existing(ticket_number)
        if found:
            raise DuplicateTicket(found) from None
        raise
    except BaseException:
        db.session.rollback()
        raise


REPORT_COLUMNS = ("ticket_number", "tracking_number", "status", "result", "received_at", "answered_at", "closed_at",
                  "rating")


def report_rows():
    """What to report back to 12345, one row per ticket: the institution's last message to the
    caller as the result, the dates, and the 好差评 level if the caller rated it."""
    yield REPORT_COLUMNS
    tickets = db.session.execute(select(HotlineTicket, AssistanceRequest, Rating.level)
                                 .join(AssistanceRequest, AssistanceRequest.id == HotlineTicket.request_id)
                                 .outerjoin(Rating, Rating.request_id == AssistanceRequest.id)
                                 .order_by(HotlineTicket.id)).all()
    for ticket, request, level in tickets:
        replies = [e for e in request.events if e.action == "replied" and e.after]
        result = replies[-1].after.get("message", "") if replies else ""
        yield (ticket.ticket_number, request.tracking_number, request.status, result, _iso(request.created_at),
               _iso(request.answered_at), _iso(request.closed_at), level or "")


def _iso(moment):
    return as_utc(moment).isoformat(timespec="seconds") if moment else ""
