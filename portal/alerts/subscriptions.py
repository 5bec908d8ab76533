"""E-mail subscriptions to overseas risk alerts: double opt-in, digests through the outbox with a
one-click unsubscribe (RFC 8058), no alert sent twice to one subscription, and purging.

Pure of Flask requests: views and the CLI pass in the catalog, the secret and the site URL.

Retention (called by `flask retention run`, issue 5): purge(now) deletes subscriptions never
confirmed within UNCONFIRMED_DAYS and every unsubscribed subscription, with their delivery
records, so no e-mail address is kept for someone who has not asked for alerts.
"""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.alerts.filters import matching_regions
from portal.db import as_utc, db
from portal.models import AlertDelivery, AlertSubscription, OutboxMessage

FREQUENCIES = ("weekly", "immediate")
CONFIRM_DAYS = 7        # a confirmation link works this long
UNCONFIRMED_DAYS = 7    # an unconfirmed subscription is deleted after this many days
LOOKBACK_DAYS = 90      # a new subscriber's first digest covers alerts dated this far back
WEEKLY_GAP = timedelta(days=6, hours=12)  # a weekly run a little early (cron drift) still counts


def _serializer(secret, purpose):
    return URLSafeTimedSerializer(secret, salt=f"alert-subscription-{purpose}")


def make_token(secret, subscription_id, purpose):
    return _serializer(secret, purpose).dumps(subscription_id)


def read_token(secret, token, purpose, max_age=None):
    """The subscription id a token was signed for, or None for a forged, altered or expired one."""
    try:
        value = _serializer(secret, purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    return value if isinstance(value, int) else None


def links(secret, site_url, subscription):
    base = f"{site_url}/{subscription.lang}/alerts"
    return {"confirm": f"{base}/confirm/{make_token(secret, subscription.id, 'confirm')}",
            "unsubscribe": f"{base}/unsubscribe/{make_token(secret, subscription.id, 'unsubscribe')}"}


def subscribe(email, industries, regions, frequency, lang, privacy_version, secret, site_url, now=None):
    """A pending subscription and its confirmation e-mail, in one transaction."""
    now = now or datetime.now(UTC)
    subscription = AlertSubscription(email=email, lang=lang, industries=list(industries), regions=list(regions),
                                     frequency=frequency, status="pending", privacy_version=privacy_version,
                                     created_at=now)
    db.session.add(subscription)
    db.session.flush()
    url = links(secret, site_url, subscription)["confirm"]
    with force_locale(lang):
        subject = _("Please confirm your subscription to overseas IP risk alerts")
        body = "\n".join(str(line) for line in (
            _("Someone, probably you, asked to receive overseas IP risk alerts from the Hengshui IP Service Portal "
              "at this address."),
            "",
            _("To confirm, open this link and press the button: %(url)s", url=url),
            "",
            _("If you did not ask for this, ignore this e-mail: nothing will be sent, and the address is deleted "
              "after %(days)s days.", days=UNCONFIRMED_DAYS),
            "",
            _("Hengshui IP Service Portal"),
        ))
    db.session.add(OutboxMessage(purpose="alert-confirm", recipient=email, subject=subject, body=body,
                                 created_at=now))
    db.session.commit()
    return subscription


def confirm(subscription_id, now=None):
    """Activate a pending subscription; an older active one for the same address is replaced.
    Returns the subscription, or None when there is nothing to confirm."""
    now = now or datetime.now(UTC)
    subscription = db.session.get(AlertSubscription, subscription_id)
    if subscription is None or subscription.status == "unsubscribed":
        return None
    if subscription.status == "pending":
        older = db.session.scalars(select(AlertSubscription).where(
            AlertSubscription.email == subscription.email, AlertSubscription.status == "active",
            AlertSubscription.id != subscription.id)).all()
        for old in older:
            old.status, old.unsubscribed_at = "unsubscribed", now
        subscription.status, subscription.confirmed_at = "active", now
        db.session.commit()
    return subscription


def unsubscribe(subscription_id, now=None):
    """Stop every e-mail to this subscription at once. True when it existed."""
    subscription = db.session.get(AlertSubscription, subscription_id)
    if subscription is None:
        return False
    if subscription.status != "unsubscribed":
        subscription.status, subscription.unsubscribed_at = "unsubscribed", now or datetime.now(UTC)
        db.session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == "pending", OutboxMessage.recipient == subscription.email,
            OutboxMessage.purpose == "alert-digest"))
        db.session.commit()
    return True



def due_alerts(catalog, subscription, since=None):
    """Matching alerts not yet sent to this subscription, newest first."""
    sent = set(db.session.scalars(select(AlertDelivery.alert_slug).where(
        AlertDelivery.subscription_id == subscription.id)))
    start = since or (as_utc(subscription.confirmed_at) - timedelta(days=LOOKBACK_DAYS)).date()
    regions = matching_regions(subscription.regions)  # a market's subscriber also gets the global alerts
    return [alert for alert in catalog.alerts(subscription.lang, subscription.industries, regions)
            if alert.date >= start and alert.slug not in sent]


def digest_message(subscription, alerts, secret, site_url):
    url = links(secret, site_url, subscription)["unsubscribe"]
    with force_locale(subscription.lang):
        subject = _("Overseas IP risk alerts: %(count)s new", count=len(alerts))
        lines = [_("New overseas IP risk alerts for the industries and markets you chose:"), ""]
        for alert in alerts:
            lines += [alert.title, f"{alert.date.isoformat()} · {alert.summary}",
                      f"{site_url}/{subscription.lang}/alerts/{alert.slug}", ""]
        lines += ["--", _("You receive this because you subscribed to alerts on the Hengshui IP Service Portal."),
                  _("Unsubscribe with one click: %(url)s", url=url)]
    headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return subject, "\n".join(str(line) for line in lines), headers


def queue_digests(catalog, frequency, secret, site_url, now=None, since=None):
    """Queue one digest per active subscription of this frequency that has new matching alerts.
    Each digest and its delivery records are one transaction; the unique (subscription, alert)
    pair makes an overlapping run fail for that subscription instead of sending twice.
    Returns the number of digests queued."""
    now = now or datetime.now(UTC)
    queued = 0
    subscriptions = db.session.scalars(select(AlertSubscription).where(
        AlertSubscription.status == "active", AlertSubscription.frequency == frequency)
        .order_by(AlertSubscription.id)).all()
    for subscription in subscriptions:
        last = as_utc(subscription.last_sent_at)
        if frequency == "weekly" and last and now - last < WEEKLY_GAP:
            continue
        alerts = due_alerts(catalog, subscription, since)
        if not alerts:
            continue
        subject, body, headers = digest_message(subscription, alerts, secret, site_url)
        message = OutboxMessage(purpose="alert-digest", recipient=subscription.email, subject=subject, body=body,
                                headers=headers, created_at=now)
        db.session.add(message)
        db.session.flush()
        db.session.add_all(AlertDelivery(subscription_id=subscription.id, alert_slug=alert.slug,
                                         outbox_message_id=message.id, queued_at=now) for alert in alerts)
        subscription.last_sent_at = now
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another run queued these alerts for this subscription first
            continue
        queued += 1
    return queued


def purge(now=None):
    """Delete personal data no longer needed: unconfirmed subscriptions older than
    UNCONFIRMED_DAYS and unsubscribed ones, with their delivery records. Returns how many
    subscriptions were deleted. Commits."""
    now = now or datetime.now(UTC)
    stale = select(AlertSubscription.id).where(
        (AlertSubscription.status == "unsubscribed")
        | ((AlertSubscription.status == "pending")
           & (AlertSubscription.created_at < now - timedelta(days=UNCONFIRMED_DAYS))))
    ids = list(db.session.scalars(stale))
    if ids:
        db.session.execute(delete(AlertDelivery).where(AlertDelivery.subscription_id.in_(ids)))
        db.session.execute(delete(AlertSubscription).where(AlertSubscription.id.in_(ids)))
    db.session.commit()
    return len(ids)
