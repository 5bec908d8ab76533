"""Consent on reassignment: a move to a different kind of recipient (the centre to a commercial
bank) waits for the requester's consent on the status page; the same kind proceeds at once."""

import re

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, AuditEvent, Institution, OutboxMessage
from tests.staff_helpers import COORDINATOR, act, login, make_request


def institution_id(app, slug):
    with app.app_context():
        return db.session.scalar(select(Institution.id).where(Institution.slug == slug))


def test_a_move_to_a_bank_waits_for_the_requesters_consent(app, client):
    request_id = make_request(app, client, "center", request_type="pledge-financing", lang="en")
    bank, centre = institution_id(app, "bank-a"), institution_id(app, "center")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    assert act(coordinator, request_id, "reassign", "assigned", institution=str(bank),
               text="Pledge financing: the bank handles it.").status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        assert req.institution_id == centre and req.pending_move["institution"] == bank and req.due_at is None
        [notice] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                                  OutboxMessage.purpose.like("consent-%"))).all()
        assert "Example Bank A" in notice.subject and "the bank handles it" not in notice.body
        token = req.status_token
    page = client.get(f"/en/requests/status/{token}").get_data(as_text=True)
    assert "Your consent is needed" in page and "Example Bank A, Hengshui branch" in page and "Bank" in page
    # Opening the address changes nothing; the button (a POST with its token) does.
    assert client.get(f"/en/requests/status/{token}/consent-move").status_code == 303
    assert client.post(f"/en/requests/status/{token}/consent-move", data={}).status_code == 400
    with app.app_context():
        assert db.session.get(AssistanceRequest, request_id).institution_id == centre
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/en/requests/status/{token}/consent-move", data={"csrf_token": csrf}).status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        assert req.institution_id == bank and req.pending_move is None and req.due_at is not None
        consent = db.session.scalar(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                             AuditEvent.action == "consent-given"))
        assert consent.after["institution"] == bank and consent.after["consent_version"]
    assert "Your consent is needed" not in client.get(f"/en/requests/status/{token}").get_data(as_text=True)


def test_a_move_to_the_same_kind_proceeds(app, client):
    request_id = make_request(app, client, "bank-a", lang="en")
    bank_b = institution_id(app, "bank-b")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    assert act(coordinator, request_id, "reassign", "assigned", institution=str(bank_b),
               text="Bank A is full this month.").status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        assert req.institution_id == bank_b and req.pending_move is None


def test_the_requester_can_refuse_a_move_and_the_request_stays_where_it_was(app, client):
    request_id = make_request(app, client, "center", request_type="pledge-financing", lang="en")
    bank, centre = institution_id(app, "bank-a"), institution_id(app, "center")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    assert act(coordinator, request_id, "reassign", "assigned", lang="en", institution=str(bank),
               text="Pledge financing: the bank handles it.").status_code == 303
    queue = coordinator.get("/en/staff/").get_data(as_text=True)
    row = next(line for line in queue.split("<tr>") if f"/staff/requests/{request_id}\"" in line)
    assert "Waiting for the requester&#39;s consent" in row or "Waiting for the requester's consent" in row
    with app.app_context():
        token = db.session.get(AssistanceRequest, request_id).status_token
    page = client.get(f"/en/requests/status/{token}").get_data(as_text=True)
    assert "I do not agree: keep my request where it is" in page
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/en/requests/status/{token}/consent-move",
                       data={"csrf_token": csrf, "answer": "no"}).status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        # Never placed with the bank: no decision and no notice for it; the centre keeps it on a new clock.
        assert req.institution_id == centre and req.pending_move is None and req.due_at is not None
        refusal = db.session.scalar(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                             AuditEvent.action == "consent-refused"))
        assert refusal.public and refusal.after["institution"] == bank and refusal.after["consent_version"]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                          AuditEvent.action == "consent-given")) is None
        later_notices = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.request_id == request_id, OutboxMessage.purpose.like("institution-notice-%"))).all()
        assert later_notices == []
        [told] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                                OutboxMessage.purpose.like("move-refused-%"))).all()
        assert told.recipient == db.session.get(Institution, centre).email and "Example" not in told.body
    after = client.get(f"/en/requests/status/{token}").get_data(as_text=True)
    assert "Your consent is needed" not in after and "You did not agree" in after
    # A second answer (the page open in two tabs) changes nothing.
    assert client.post(f"/en/requests/status/{token}/consent-move",
                       data={"csrf_token": csrf, "answer": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.get(AssistanceRequest, request_id).institution_id == centre
    assert "Waiting for the requester" not in coordinator.get("/en/staff/").get_data(as_text=True)
