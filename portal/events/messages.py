"""What registrants are told, composed in their language from one template per message
(`templates/events/email/<name>.txt`: the first line is the subject) and queued in the outbox.
SMS use the fixed templates of portal/notify/sms_texts.py (the provider approves them word for
word); the private link goes only by e-mail."""

from flask import current_app
from flask_babel import force_locale

from portal import validators
from portal.db import db
from portal.models import OutboxMessage
from portal.notify import sms_texts


def registration_url(registration):
    """The private page of a registration (view, cancel, rate): the token is its only secret."""
    return f"{current_app.config['SITE_URL']}/{registration.lang}/events/registration/{registration.token}"


def queue_email(registration, page, name, **context):
    """Queue the e-mail `name` to the registrant, in their language. Does not commit."""
    with force_locale(registration.lang):
        # The template alone, without the page context processors (which read the request): the
        # worker loop sends reminders with no request at all.
        text = current_app.jinja_env.get_template(f"events/email/{name}.txt").render(
            registration=registration, page=page, link=registration_url(registration), **context)
    subject, _, body = text.strip().partition("\n")
    row = OutboxMessage(purpose=f"event-{name}"[:40], recipient=registration.email, subject=subject.strip()[:300],
                        body=body.strip() + "\n")
    db.session.add(row)
    return row


def queue_sms(registration, name):
    """Queue the SMS `name` when the registrant asked for SMS and gave a mobile number."""
    phone = validators.mobile_e164(registration.phone) if registration.sms_consent else None
    if phone is None:
        return None
    config = current_app.config
    params = {"number": registration.number}
    row = OutboxMessage(channel="sms", purpose=f"event-sms-{name}"[:40], recipient=phone, subject="", template=name,
                        params=params, body=sms_texts.render(name, registration.lang, params, config["SITE_URL"],
                                                             config["SMS_SIGN_NAME"]))
    db.session.add(row)
    return row
