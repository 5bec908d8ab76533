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
