"""Finding 5: tracking numbers are sequential, so the second secret is six digits, and each number
has its own failure counter: after a few misses it is locked for a while (even the right digits
are refused) and the requester is told by e-mail."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from portal.db import db
from portal.models import AssistanceRequest, OutboxMessage
from portal.requests import tracking
from tests.conftest import open_form, submit


def saved(app, response):
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        return db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))


def track(client, number, digits):
    csrf = open_form(client, "en", "general")["csrf_token"]
    return client.post("/en/requests/track", data={"csrf_token": csrf, "number": number, "digits": digits})


def lock_mails(app, request_id):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                             OutboxMessage.purpose.like("track-locked-%"))).all()


def test_four_digits_no_longer_open_a_request(app, client):
    request = saved(app, submit(client, "en", "general"))
    assert track(client, request.tracking_number, request.phone[-4:]).status_code == 404
    assert track(client, request.tracking_number, request.phone[-6:]).status_code == 303


def test_a_number_is_locked_after_a_few_misses_and_the_requester_told(app, client):
    request = saved(app, submit(client, "en", "general"))
    for _ in range(tracking.MAX_MISSES):
        assert track(client, request.tracking_number, "000000").status_code == 404
    # Locked: the right digits get the same answer as a miss, and further misses do not count.
    locked = track(client, request.tracking_number, request.phone[-6:])
    assert locked.status_code == 404 and "locked for 1 hour" in locked.get_data(as_text=True)
    track(client, request.tracking_number, "000000")
    mails = lock_mails(app, request.id)
    assert len(mails) == 1 and mails[0].recipient == request.email
    assert request.tracking_number in mails[0].subject and request.status_token in mails[0].body
    # An hour later the right digits work again, and the counter starts from nothing.
    with app.app_context():
        db.session.execute(update(AssistanceRequest).where(AssistanceRequest.id == request.id).values(
            track_locked_until=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert track(client, request.tracking_number, request.phone[-6:]).status_code == 303
    with app.app_context():
        assert db.session.get(AssistanceRequest, request.id).track_misses == 0


def test_misses_on_one_number_do_not_lock_another(app, client):
    first, second = (saved(app, submit(client, "en", "general")) for _ in range(2))
    for _ in range(tracking.MAX_MISSES):
        track(client, first.tracking_number, "000000")
    assert track(client, second.tracking_number, second.phone[-6:]).status_code == 303
    assert lock_mails(app, second.id) == []


def test_the_tracking_page_says_what_to_type(client):
    html = client.get("/en/requests/track").get_data(as_text=True)
    assert "Last 6 digits of your phone number" in html and 'pattern="[0-9]{6}"' in html
    html = client.get("/zh/requests/track").get_data(as_text=True)
    assert re.search(r"后\s*6\s*位", html)


def test_the_acknowledgement_names_six_digits(app, client):
    request = saved(app, submit(client, "en", "general"))
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.request_id == request.id,
                                                                  OutboxMessage.purpose == "acknowledgement"))
        assert "last six digits" in body
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) > 0
