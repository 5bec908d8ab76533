"""12345 tickets: recorded by a coordinator, routed like a web request with a tracking number and
the same clock, a duplicate ticket number refused with a clear message, and the formula-safe CSV of
what to report back (the concurrent case on PostgreSQL is in test_postgres.py)."""

import csv
import io
import re

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, HotlineTicket, OutboxMessage, Rating
from tests.staff_helpers import COORDINATOR, TAOCHENG_STAFF, act, login

FIELDS = {"ticket_number": "hs-20261201-0042", "request_type": "general", "contact_name": "李女士",
          "phone": "139 0000 5678", "organisation": "衡水示例食品厂（演示）", "county": "taocheng",
          "industry": "food-biotech", "description": "来电：商标被人在网上冒用，想知道怎么维权。"}


def record(client, lang="en", **changes):
    page = client.get(f"/{lang}/staff/hotline/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/{lang}/staff/hotline/new", data={"csrf_token": csrf, **FIELDS, **changes})


def test_a_ticket_becomes_a_routed_request_and_a_duplicate_is_refused(app):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    response = record(coordinator)
    assert response.status_code == 303 and "/en/staff/requests/" in response.headers["Location"]
    with app.app_context():
        ticket = db.session.scalar(select(HotlineTicket))
        request = ticket.request
        assert ticket.ticket_number == "HS-20261201-0042"
        assert re.fullmatch(r"HS\d{4}-\d{6}", request.tracking_number)
        assert request.institution_id is not None and request.due_at is not None and request.status == "assigned"
        assert (request.contact_name, request.phone, request.email) == ("李女士", "13900005678", "")
        tracking = request.tracking_number
    again = record(coordinator, contact_name="另一位来电人")
    text = again.get_data(as_text=True)
    assert again.status_code == 400
    assert f"12345 ticket HS-20261201-0042 is recorded already, as request {tracking}." in text
    assert "另一位来电人" in text  # what was typed is kept
    with app.app_context():
        assert len(db.session.scalars(select(HotlineTicket)).all()) == 1


def test_bad_input_keeps_what_was_typed(app):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="zh")
    response = record(coordinator, lang="zh", ticket_number="=1+2", phone="12")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "来电：商标被人在网上冒用" in text
    with app.app_context():
        assert db.session.scalar(select(AssistanceRequest)) is None


def test_only_coordinators_record_tickets(app):
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    assert staff.get("/zh/staff/hotline/new").status_code == 403
    assert staff.get("/zh/staff/hotline/export.csv").status_code == 403


def test_the_report_back_csv_is_formula_safe_and_has_the_rating(app):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    assert record(coordinator).status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest))
        request_id = request.id
        # The coordinator (who sees every request) handles it here for brevity.
    act(coordinator, request_id, "accept", "assigned")
    act(coordinator, request_id, "reply", "accepted", text="=HYPERLINK(\"http://x.invalid\") 已电话告知维权途径。")
    act(coordinator, request_id, "answer", "accepted")
    act(coordinator, request_id, "close", "answered")
    with app.app_context():
        db.session.add(Rating(request_id=request_id, level="satisfied", comment=""))
        db.session.commit()
    response = coordinator.get("/en/staff/hotline/export.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["ticket_number", "tracking_number", "status", "result", "received_at", "answered_at",
                       "closed_at", "rating"]
    (row,) = rows[1:]
    assert row[0] == "HS-20261201-0042" and row[2] == "closed" and row[7] == "satisfied"
    assert row[3].startswith("'=HYPERLINK") and row[5] and row[6]


def test_retention_removes_the_callers_details(app, tmp_path):
    from datetime import UTC, datetime

    from portal.privacy.retention import scrub

    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    assert record(coordinator).status_code == 303
    with app.app_context():
        ticket = db.session.scalar(select(HotlineTicket))
        scrub(ticket.request, tmp_path, datetime.now(UTC))
        db.session.commit()
        request = db.session.get(AssistanceRequest, ticket.request_id)
        assert (request.contact_name, request.phone, request.organisation, request.description) == ("", "", "", "")
        assert ticket.ticket_number == "HS-20261201-0042"  # the number 12345 gave is not personal data


def test_a_caller_who_agreed_gets_the_sms_and_is_asked_to_rate_through_the_same_flow(app, client):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="zh")
    refused = record(coordinator, lang="zh", phone="0318-2123456", sms_consent="y")
    assert refused.status_code == 400 and "发送短信需要手机号" in refused.get_data(as_text=True)
    assert record(coordinator, lang="zh", sms_consent="y").status_code == 303
    with app.app_context():
        request = db.session.scalar(select(HotlineTicket)).request
        request_id, number = request.id, request.tracking_number
        assert request.sms_consent_version
        [received] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
        assert received.recipient == "+8613900005678" and number in received.body
    assert act(coordinator, request_id, "accept", "assigned").status_code == 303
    assert act(coordinator, request_id, "reply", "accepted", text="已电话联系，材料请在状态页补充。").status_code == 303
    assert act(coordinator, request_id, "answer", "accepted").status_code == 303
    with app.app_context():
        texts = {m.template: m.body for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "sms"))}
        assert set(texts) == {"received", "message", "answered"} and "评价" in texts["answered"]
    # The SMS's way in: the tracking page with the number and the phone's last six digits, then rate.
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/zh/requests/track").get_data(
        as_text=True)).group(1)
    found = client.post("/zh/requests/track", data={"csrf_token": token, "number": number, "digits": "005678"})
    assert found.status_code == 303
    status_page = client.get(found.headers["Location"]).get_data(as_text=True)
    rate_link = re.search(r'href="(/zh/requests/rate/[^"]+)"', status_page).group(1)
    form = client.get(rate_link).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post(rate_link, data={"csrf_token": csrf, "level": "satisfied"}).status_code == 303
    rows = list(csv.reader(io.StringIO(coordinator.get("/zh/staff/hotline/export.csv").get_data(as_text=True))))
    assert rows[1][0] == "HS-20261201-0042" and rows[1][-1] == "satisfied"


def test_no_sms_to_a_caller_without_their_agreement(app):
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    assert record(coordinator).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all() == []
