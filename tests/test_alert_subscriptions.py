"""Alert subscriptions: the form, double opt-in, digests through the outbox and a real SMTP server,
no duplicate sends, one-click unsubscribe (RFC 8058) and purging."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.alerts import subscriptions
from portal.db import db
from portal.models import AlertDelivery, AlertSubscription, OutboxMessage
from portal.notify.outbox import SMTPTransport, send_pending
from tests.conftest import CSRF
from tests.test_outbox import SENDER

LINK = re.compile(r"https://portal\.example/(?:zh|en)/alerts/(?:confirm|unsubscribe)/[^\s>]+")
BUTTON_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client, url):
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def subscribe(client, lang="en", **changes):
    data = {"csrf_token": form_token(client, f"/{lang}/alerts/subscribe"), "email": "trade@example.com",
            "industries": ["rubber"], "regions": ["eu"], "frequency": "weekly", "language": lang, "consent": "y",
            **changes}
    return client.post(f"/{lang}/alerts/subscribe", data={k: v for k, v in data.items() if v is not None})


def only_subscription(app):
    with app.app_context():
        [row] = db.session.scalars(select(AlertSubscription)).all()
        db.session.expunge(row)
        return row


def press_button(client, url):
    page = client.get(url)
    assert page.status_code == 200
    token = BUTTON_CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post(url, data={"csrf_token": token})


def test_form_starts_from_the_alert_list_choices(client):
    html = client.get("/zh/alerts/subscribe?industry=rubber&region=eu&region=nope").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="rubber"|value="rubber"[^>]*checked', html)
    assert re.search(r'checked[^>]*value="eu"|value="eu"[^>]*checked', html)
    assert 'value="nope"' not in html
    assert re.search(r'checked[^>]*value="zh"|value="zh"[^>]*checked', html)


@pytest.mark.parametrize(("lang", "changes", "message"), [
    ("en", {"email": "not-an-address"}, "does not look like an e-mail address"),
    ("zh", {"email": ""}, "请填写"),
    ("en", {"consent": None}, "Please agree"),
    ("en", {"frequency": "hourly"}, "Not a valid choice"),
    ("en", {"regions": ["mars"]}, "valid choice"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(app, client, lang, changes, message):
    response = subscribe(client, lang, **changes)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html or message.lower() in html.lower()
    given = changes.get("email", "trade@example.com")  # what was given is kept in the form
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    if given:
        assert f'value="{given}"' in email_input
    else:
        assert 'value="' not in email_input or 'value=""' in email_input
    with app.app_context():
        assert db.session.scalars(select(AlertSubscription)).all() == []


def test_subscribe_needs_the_csrf_token(app, client):
    response = client.post("/en/alerts/subscribe", data={"email": "trade@example.com", "consent": "y",
                                                         "frequency": "weekly", "language": "en"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(AlertSubscription)).all() == []


def test_round_trip_through_a_real_smtp_server(app, client, runner, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    smtp = SMTPTransport(controller.hostname, controller.port)
    response = subscribe(client, "en")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/alerts/subscribe/sent")
    assert only_subscription(app).status == "pending"

    with app.app_context():
        assert send_pending(smtp, SENDER) == (1, 0)
    [confirmation] = inbox.messages
    assert confirmation["To"] == "trade@example.com" and "confirm" in confirmation["Subject"].lower()
    confirm_url = LINK.search(confirmation.get_content()).group(0)
    path = confirm_url.removeprefix("https://portal.example")
    assert client.get(path).status_code == 200
    assert only_subscription(app).status == "pending"  # nothing changes on GET
    assert "is confirmed" in press_button(client, path).get_data(as_text=True)
    assert only_subscription(app).status == "active"

    result = runner.invoke(args=["alerts", "digest", "--frequency", "weekly", "--since", "2020-01-01"])
    assert result.exit_code == 0 and "1 weekly digest(s) queued" in result.output
    with app.app_context():
        assert send_pending(smtp, SENDER) == (1, 0)
        # a market's subscriber also gets the alerts for every market ("global")
        expected = app.extensions["catalog"].alerts("en", ("rubber",), ("eu", "global"))
    digest = inbox.messages[1]
    body = digest.get_content()
    assert expected and all(f"https://portal.example/en/alerts/{a.slug}" in body for a in expected)
    assert body.count("https://portal.example/en/alerts/") == len(expected) + 1  # plus the unsubscribe link
    unsubscribe_url = LINK.search(digest["List-Unsubscribe"]).group(0)
    assert digest["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in body

    # No duplicate sends: the same run again, and a run a week later, queue nothing.
    assert "0 weekly digest(s) queued" in runner.invoke(
        args=["alerts", "digest", "--since", "2020-01-01"]).output
    with app.app_context():
        later = datetime.now(UTC) + timedelta(days=8)
        assert subscriptions.queue_digests(app.extensions["catalog"], "weekly", app.config["SECRET_KEY"],
                                           app.config["SITE_URL"], now=later, since=date(2020, 1, 1)) == 0
        assert send_pending(smtp, SENDER, now=later) == (0, 0)
    assert len(inbox.messages) == 2

    # RFC 8058 one-click: a POST from the mail program, with no CSRF token and no cookies.
    unsubscribe_path = unsubscribe_url.removeprefix("https://portal.example")
    mail_program = app.test_client()
    assert mail_program.get(unsubscribe_path).status_code == 200
    assert only_subscription(app).status == "active"  # nothing changes on GET
    response = mail_program.post(unsubscribe_path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert only_subscription(app).status == "unsubscribed"
    assert "0 weekly digest(s) queued" in runner.invoke(args=["alerts", "digest", "--since", "2020-01-01"]).output


def test_unsubscribe_acts_only_on_a_valid_signed_token(app, client):
    subscribe(client, "zh")
    row = only_subscription(app)
    with app.app_context():
        subscriptions.confirm(row.id)
        good = subscriptions.make_token(app.config["SECRET_KEY"], row.id, "unsubscribe")
        confirm_token = subscriptions.make_token(app.config["SECRET_KEY"], row.id, "confirm")
    forged = subscriptions.make_token("another secret", row.id, "unsubscribe")
    for token in (forged, good[:-2] + "xx", confirm_token, "abc", "x" * 500):
        response = app.test_client().post(f"/zh/alerts/unsubscribe/{token}")
        assert response.status_code == 404 and "链接无效" in response.get_data(as_text=True)
    assert only_subscription(app).status == "active"


def test_confirming_needs_the_csrf_token(app, client):
    subscribe(client, "en")
    row = only_subscription(app)
    with app.app_context():
        token = subscriptions.make_token(app.config["SECRET_KEY"], row.id, "confirm")
    assert app.test_client().post(f"/en/alerts/confirm/{token}").status_code == 400
    assert only_subscription(app).status == "pending"


def test_confirmation_links_expire(app, client):
    subscribe(client, "en")
    row = only_subscription(app)
    with app.app_context():
        token = subscriptions.make_token(app.config["SECRET_KEY"], row.id, "confirm")
    assert subscriptions.read_token(app.config["SECRET_KEY"], token, "confirm", max_age=60) == row.id
    assert subscriptions.read_token(app.config["SECRET_KEY"], token, "confirm", max_age=-1) is None
    assert client.get("/en/alerts/confirm/not-a-token").status_code == 404


def test_confirming_replaces_an_older_subscription_for_the_same_address(app, client):
    subscribe(client, "en")
    subscribe(client, "en", industries=["agriculture"])
    with app.app_context():
        first, second = db.session.scalars(select(AlertSubscription).order_by(AlertSubscription.id)).all()
        subscriptions.confirm(first.id)
        subscriptions.confirm(second.id)
        assert (first.status, second.status) == ("unsubscribed", "active")


def test_immediate_and_weekly_subscribers_are_served_by_their_own_runs(app):
    with app.app_context():
        catalog, secret, site = app.extensions["catalog"], app.config["SECRET_KEY"], app.config["SITE_URL"]
        rows = [subscriptions.subscribe(f"{f}@example.com", [], [], f, "zh", "v", secret, site)
                for f in ("weekly", "immediate")]
        for row in rows:
            subscriptions.confirm(row.id)
        assert subscriptions.queue_digests(catalog, "immediate", secret, site, since=date(2020, 1, 1)) == 1
        digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "alert-digest"))
        assert digest.recipient == "immediate@example.com"
        sent = db.session.scalars(select(AlertDelivery.alert_slug)).all()
        assert sorted(sent) == sorted(a.slug for a in catalog.alerts("zh") if a.date >= date(2020, 1, 1))
        # The unique (subscription, alert) pair refuses a second record of the same send.
        db.session.add(AlertDelivery(subscription_id=rows[1].id, alert_slug=sent[0]))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_new_subscriber_gets_only_recent_alerts_by_default(app):
    with app.app_context():
        catalog, secret, site = app.extensions["catalog"], app.config["SECRET_KEY"], app.config["SITE_URL"]
        row = subscriptions.subscribe("new@example.com", [], [], "weekly", "en", "v", secret, site)
        subscriptions.confirm(row.id, now=datetime(2025, 10, 1, tzinfo=UTC))
        due = subscriptions.due_alerts(catalog, row)
        cutoff = date(2025, 10, 1) - timedelta(days=subscriptions.LOOKBACK_DAYS)
        assert due and [a.slug for a in due] == [a.slug for a in catalog.alerts("en") if a.date >= cutoff]


def test_purge_removes_stale_and_unsubscribed_personal_data(app):
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    with app.app_context():
        secret, site = app.config["SECRET_KEY"], app.config["SITE_URL"]
        make = lambda email, created: subscriptions.subscribe(email, [], [], "weekly", "en", "v", secret, site,  # noqa: E731
                                                              now=created)
        make("old@example.com", now - timedelta(days=8))
        make("new@example.com", now - timedelta(days=1))
        active = make("active@example.com", now - timedelta(days=30))
        gone = make("gone@example.com", now - timedelta(days=30))
        for row in (active, gone):
            subscriptions.confirm(row.id, now=now - timedelta(days=29))
        db.session.add(AlertDelivery(subscription_id=gone.id, alert_slug="x"))
        db.session.commit()
        subscriptions.unsubscribe(gone.id, now=now)
        assert subscriptions.purge(now) == 2
        left = {s.email for s in db.session.scalars(select(AlertSubscription))}
        assert left == {"new@example.com", "active@example.com"}
        assert db.session.scalars(select(AlertDelivery)).all() == []
        assert subscriptions.purge(now) == 0  # nothing left to delete
