"""The tracking page for a request given with an e-mail address and no phone (issue 16): the number
and the address send the private status link to the address on record, never show it; the page
answers the same whatever matched; wrong addresses count towards the same lockout as wrong digits;
at most one link e-mail per request in LINK_MINUTES; nothing personal in any address."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, OutboxMessage
from portal.requests import tracking
from tests.conftest import submit

EMAIL = "only-mail@example.com"


def email_only(app, client, lang="en"):
    response = submit(client, lang, "general", phone="", email=EMAIL)
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        return db.session.scalar(select(AssistanceRequest.tracking_number)
                                 .where(AssistanceRequest.status_token == token)), token


def ask(client, number, email, lang="en"):
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/{lang}/requests/track").get_data(
        as_text=True))[1]
    return client.post(f"/{lang}/requests/track/email", data={"csrf_token": csrf, "number": number, "email": email})


def links(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose.like("track-link-%"))).all()


def test_the_number_and_the_address_send_the_status_link_to_that_address(app, client):
    number, token = email_only(app, client)
    page = client.get("/en/requests/track").get_data(as_text=True)
    assert "No phone number given? Get the link by e-mail" in page and 'action="/en/requests/track/email"' in page
    response = ask(client, number.lower(), "  Only-Mail@Example.com ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/requests/track?sent=email")
    assert EMAIL not in response.headers["Location"] and number not in response.headers["Location"]
    answer = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "its status link is on its way to that address" in answer and token not in answer
    [link] = links(app)
    assert link.recipient == EMAIL and f"/en/requests/status/{token}" in link.body


def test_the_answer_is_the_same_whatever_matched_and_misses_lock_the_number(app, client):
    number, token = email_only(app, client)
    answers = {ask(client, number, "someone-else@example.com").headers["Location"],
               ask(client, "HS2026-999999", EMAIL).headers["Location"]}
    assert answers == {"/en/requests/track?sent=email"} and links(app) == []
    for _ in range(tracking.MAX_MISSES - 1):
        ask(client, number, "guess@example.com")
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.tracking_number == number))
        assert request.track_locked_until is not None
        [locked] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose.like("track-locked-%"))).all()
        assert locked.recipient == EMAIL and "e-mail address" in locked.body
    # Locked: even the right address sends nothing, and the page still says the same.
    assert ask(client, number, EMAIL).headers["Location"] == "/en/requests/track?sent=email"
    assert links(app) == []


def test_wrong_digits_and_wrong_addresses_share_one_lockout(app, client):
    number, _token = email_only(app, client)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/en/requests/track").get_data(
        as_text=True))[1]
    for _ in range(tracking.MAX_MISSES - 1):
        assert client.post("/en/requests/track", data={"csrf_token": csrf, "number": number,
                                                       "digits": "000000"}).status_code == 404
    ask(client, number, "guess@example.com")
    with app.app_context():
        assert db.session.scalar(select(AssistanceRequest.track_locked_until)
                                 .where(AssistanceRequest.tracking_number == number)) is not None


def test_at_most_one_link_per_request_in_a_while(app, client):
    number, _token = email_only(app, client)
    for _ in range(3):
        ask(client, number, EMAIL)
    assert len(links(app)) == 1
    with app.test_request_context("/en/requests/track/email"):
        later = datetime.now(UTC) + timedelta(minutes=tracking.LINK_MINUTES)
        tracking.send_link(number, EMAIL, now=later)
    assert len(links(app)) == 2


def test_a_request_with_a_phone_only_is_never_sent_a_link_nor_a_lock_mail_to_nobody(app, client):
    response = submit(client, "zh", "general", email="", sms_consent="y")
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        number = db.session.scalar(select(AssistanceRequest.tracking_number)
                                   .where(AssistanceRequest.status_token == token))
    for _ in range(tracking.MAX_MISSES):
        ask(client, number, "", lang="zh")
        ask(client, number, "x@example.com", lang="zh")
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "")).all() == []
    assert links(app) == []


def test_a_missing_number_or_address_is_said_in_the_users_language(client):
    response = ask(client, "", "", lang="zh")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写查询编号和您用过的电子邮件地址" in html
    assert client.get("/zh/requests/track/email").status_code == 303  # a GET changes nothing
