"""Invitation and password-reset links, sent by e-mail through the outbox."""

from datetime import UTC, datetime

from flask import current_app, url_for

from portal.accounts import passwords
from portal.db import db
from portal.models import OutboxMessage
from portal.notify import messages


def send_account_link(user, purpose):
    """Queue an invitation or reset e-mail (the caller commits)."""
    token = passwords.make_token(user, purpose)
    path = url_for("accounts.set_password", lang=user.lang, purpose=purpose, token=token)
    url = current_app.config["SITE_URL"] + path
    subject, body = messages.account_link(user, purpose, url)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    db.session.add(OutboxMessage(purpose=f"{purpose}-{user.id}-{stamp}", recipient=user.email, subject=subject,
                                 body=body))
