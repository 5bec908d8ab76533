"""好差评: the rating rules as a table, a bad rating's follow-up on the service clock (a weekend and
the Dragon Boat holiday in between), escalation once, closing the follow-up, the report's
aggregates and retention."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import as_utc, db
from portal.models import AssistanceRequest, AuditEvent, OutboxMessage, Rating, RatingFollowUp
from portal.privacy.retention import scrub
from portal.ratings import rules, service
from portal.reports.aggregates import aggregate
from portal.sla import load_calendar
from tests.staff_helpers import COORDINATOR, TAOCHENG_STAFF, act, login, make_request

NOW = datetime(2026, 6, 12, 2, 0, tzinfo=UTC)  # Friday 12 June 2026, 10:00 in Beijing


@pytest.mark.parametrize(("status", "anonymized", "first_rated", "expected"), [
    ("assigned", False, None, "not-yet"),
    ("accepted", False, None, "not-yet"),
    ("answered", False, None, "new"),
    ("closed", False, None, "new"),
    ("answered", False, NOW - timedelta(days=1), "change"),
    ("answered", False, NOW - timedelta(days=7), "change"),             # the 7th day still counts
    ("closed", False, NOW - timedelta(days=7, seconds=1), "window-closed"),
    ("reopened", False, NOW - timedelta(days=2), "change"),             # reopening does not undo the rating
    ("closed", True, None, "removed"),
    ("closed", True, NOW - timedelta(days=1), "removed"),
])
def test_may_rate(status, anonymized, first_rated, expected):
    assert rules.may_rate(status, anonymized, first_rated, NOW) == expected


@pytest.mark.parametrize(("level", "satisfied", "bad"), [
    ("very-satisfied", True, False), ("satisfied", True, False), ("basically-satisfied", True, False),
    ("dissatisfied", False, True), ("very-dissatisfied", False, True),
])
def test_levels(level, satisfied, bad):
    assert (level in rules.SATISFIED, rules.needs_follow_up(level)) == (satisfied, bad)


def test_follow_up_due_across_a_weekend_and_a_holiday():
    # Opened Friday 12 June: 13-14 June weekend, 19 June (Dragon Boat) and its weekend off; the 15th
    # working day is Monday 6 July, so due at its end, 24:00 Beijing = 16:00 UTC.
    assert rules.follow_up_due(load_calendar(), NOW) == datetime(2026, 7, 6, 16, 0, tzinfo=UTC)


def answered_request(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general", lang="en")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    act(staff, request_id, "accept", "assigned")
    act(staff, request_id, "reply", "accepted", text="Here is the answer.")
    assert act(staff, request_id, "answer", "accepted").status_code == 303
    with app.app_context():
        return request_id, db.session.get(AssistanceRequest, request_id).status_token


def post_rating(client, token, **fields):
    page = client.get(f"/en/requests/rate/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/en/requests/rate/{token}", data={"csrf_token": csrf, **fields})


def test_rating_once_changeable_and_a_bad_rating_is_followed_up(app, client):
    request_id, token = answered_request(app, client)
    with app.app_context():
        invitation = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.request_id == request_id, OutboxMessage.purpose == "rating-invitation"))
        assert f"/en/requests/rate/{token}" in invitation.body
    assert "Rate how your request was handled" in client.get(f"/en/requests/status/{token}").get_data(as_text=True)

    bad = post_rating(client, token, level="nonsense", comment="x")
    assert bad.status_code == 400 and "How satisfied are you" in bad.get_data(as_text=True)
    response = post_rating(client, token, level="satisfied", comment="Quick and clear.")
    assert response.status_code == 303 and response.headers["Location"].endswith("?rated=1")
    assert post_rating(client, token, level="dissatisfied", comment="Actually, no.").status_code == 303
    assert post_rating(client, token, level="very-dissatisfied", comment="Worse.").status_code == 303
    with app.app_context():
        ratings = db.session.scalars(select(Rating).where(Rating.request_id == request_id)).all()
        assert [(r.level, r.comment) for r in ratings] == [("very-dissatisfied", "Worse.")]
        follow_ups = db.session.scalars(select(RatingFollowUp).where(RatingFollowUp.request_id == request_id)).all()
        assert len(follow_ups) == 1  # two bad ratings, one follow-up
        calendar = load_calendar()
        assert as_utc(follow_ups[0].due_at) == calendar.due_at(as_utc(follow_ups[0].opened_at), 15)
        # The comment is not on the public timeline; the level is.
        status = client.get(f"/en/requests/status/{token}").get_data(as_text=True)
        assert "Worse." not in status and "You rated how your request was handled." in status
        # Eight days later the rating stands.
        request = db.session.get(AssistanceRequest, request_id)
        with pytest.raises(service.RatingRefused):
            service.rate(request, "very-satisfied", "", now=as_utc(ratings[0].first_rated_at) + timedelta(days=8))
        assert db.session.get(Rating, ratings[0].id).level == "very-dissatisfied"


def test_not_rated_before_it_is_answered(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general", lang="en")
    with app.app_context():
        token = db.session.get(AssistanceRequest, request_id).status_token
    page = client.get(f"/en/requests/rate/{token}")
    assert page.status_code == 200 and "once it has been answered or closed" in page.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get(f"/en/requests/status/{token}").get_data(as_text=True)).group(1)
    refused = client.post(f"/en/requests/rate/{token}", data={"csrf_token": csrf, "level": "satisfied"})
    assert refused.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 0


def test_escalation_once_and_the_coordinator_closes_the_follow_up(app, client):
    request_id, token = answered_request(app, client)
    assert post_rating(client, token, level="dissatisfied", comment="Nobody called.").status_code == 303
    with app.app_context():
        follow_up = db.session.scalar(select(RatingFollowUp).where(RatingFollowUp.request_id == request_id))
        due, follow_up_id = as_utc(follow_up.due_at), follow_up.id
        assert service.escalate_overdue_follow_ups(now=due - timedelta(seconds=1)) == 0
        assert service.escalate_overdue_follow_ups(now=due + timedelta(seconds=1)) == 1
        assert service.escalate_overdue_follow_ups(now=due + timedelta(days=1)) == 0
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose.like("follow-up-escalation-%"))).all()
        assert [m.recipient for m in mails] == [COORDINATOR]
    coordinator = app.test_client()
    login(coordinator, COORDINATOR, lang="en")
    listing = coordinator.get("/en/staff/follow-ups/").get_data(as_text=True)
    assert f"/en/staff/follow-ups/{follow_up_id}" in listing and "Dissatisfied" in listing
    page = coordinator.get(f"/en/staff/follow-ups/{follow_up_id}").get_data(as_text=True)
    assert "Nobody called." in page  # coordinators read the comment
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    empty = coordinator.post(f"/en/staff/follow-ups/{follow_up_id}", data={"csrf_token": csrf, "action_taken": " "})
    assert empty.status_code == 400 and "Say what was done." in empty.get_data(as_text=True)
    closed = coordinator.post(f"/en/staff/follow-ups/{follow_up_id}", data={
        "csrf_token": csrf, "action_taken": "Called the owner; the institution sent the form again.",
        "called_back": "yes"})
    assert closed.status_code == 303
    again = coordinator.post(f"/en/staff/follow-ups/{follow_up_id}", data={
        "csrf_token": csrf, "action_taken": "Second close", "called_back": "no"})
    assert again.status_code == 409
    with app.app_context():
        follow_up = db.session.get(RatingFollowUp, follow_up_id)
        assert follow_up.called_back is True and follow_up.action_taken.startswith("Called the owner")
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "follow-up-closed")) == 1
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    assert staff.get("/zh/staff/follow-ups/").status_code == 403


def test_report_aggregates():
    now = datetime(2026, 8, 1, tzinfo=UTC)
    june, july = datetime(2026, 6, 10, 4, tzinfo=UTC), datetime(2026, 7, 1, 4, tzinfo=UTC)
    due = datetime(2026, 7, 2, 16, tzinfo=UTC)
    records = [(june, 1, None, None)]
    ratings = [
        (june, 1, "very-satisfied", None, None),
        (june, 1, "basically-satisfied", None, None),
        (june, 1, "dissatisfied", due, due - timedelta(days=1)),      # closed on time
        (june, 1, "very-dissatisfied", due, due + timedelta(days=1)),  # closed late
        (june, 2, "dissatisfied", due, None),                          # open, past due: late
        (july, 1, "dissatisfied", now + timedelta(days=5), None),      # open, not yet due: not counted
    ]
    rows = {(r.month, r.institution_id): r for r in aggregate(records, now, ratings)}
    june_1 = rows[("2026-06", 1)]
    assert (june_1.received, june_1.rated, june_1.satisfied, june_1.bad_decided, june_1.bad_on_time) == (1, 4, 2, 2, 1)
    assert june_1.satisfied_share == 0.5
    june_2 = rows[("2026-06", 2)]
    assert (june_2.received, june_2.rated, june_2.satisfied, june_2.bad_decided, june_2.bad_on_time) == (0, 1, 0, 1, 0)
    july_1 = rows[("2026-07", 1)]
    assert (july_1.rated, july_1.bad_decided, july_1.satisfied_share) == (1, 0, 0)


def test_the_report_shows_ratings_never_comments(app, client):
    _request_id, token = answered_request(app, client)
    post_rating(client, token, level="basically-satisfied", comment="A private remark 7781.")
    page = client.get("/en/service-report").get_data(as_text=True)
    assert "Bad ratings followed up on time" in page and "1 of 1" in page
    assert "7781" not in page


def test_retention_removes_the_comment_and_what_was_done(app, client, tmp_path):
    request_id, token = answered_request(app, client)
    post_rating(client, token, level="very-dissatisfied", comment="Call me on 138 0000 0000.")
    with app.app_context():
        follow_up = db.session.scalar(select(RatingFollowUp).where(RatingFollowUp.request_id == request_id))
        assert service.close_follow_up(follow_up.id, "user:1", "Called Ms Wang back.", True)
        request = db.session.get(AssistanceRequest, request_id)
        scrub(request, tmp_path, datetime.now(UTC))
        db.session.commit()
        rating = db.session.scalar(select(Rating).where(Rating.request_id == request_id))
        follow_up = db.session.get(RatingFollowUp, follow_up.id)
        assert (rating.level, rating.comment, follow_up.action_taken) == ("very-dissatisfied", "", "")
        texts = [e.after.get("text") for e in request.events if e.action == "follow-up-closed"]
        assert texts == ["[removed]"]


def test_the_escalate_command(app):
    result = app.test_cli_runner().invoke(args=["ratings", "escalate"])
    assert result.exit_code == 0 and "0 follow-up(s) escalated" in result.output


def test_a_request_without_email_from_submission_to_rating(app, client):
    """No e-mail anywhere: the receipt and the answered SMS, the tracking page with the number and the
    phone's last six digits, and the rating, all without an address."""
    from tests.conftest import submit

    response = submit(client, "zh", "general", email="", sms_consent="y", county="taocheng",
                      industry="food-biotech")
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        request_id, number = request.id, request.tracking_number
    staff = app.test_client()
    login(staff, COORDINATOR)
    act(staff, request_id, "accept", "assigned")
    assert act(staff, request_id, "answer", "accepted").status_code == 303
    with app.app_context():
        sms = {m.template: m.body for m in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.request_id == request_id, OutboxMessage.channel == "sms"))}
        assert set(sms) == {"received", "answered"} and "后六位" in sms["answered"] and "评价" in sms["answered"]
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                              OutboxMessage.recipient == "")).all() == []
    visitor = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', visitor.get("/zh/requests/track").get_data(as_text=True))[1]
    found = visitor.post("/zh/requests/track", data={"csrf_token": csrf, "number": number, "digits": "181234"})
    assert found.status_code == 303 and token in found.headers["Location"]
    assert "requests/rate/" in visitor.get(found.headers["Location"]).get_data(as_text=True)
    assert post_rating(visitor, token, level="very-satisfied").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Rating.level).where(Rating.request_id == request_id)) == "very-satisfied"
