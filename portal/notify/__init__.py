"""Notifications through an outbox: `flask outbox send` (one pass), and delivery as a task of the
worker loop (`flask worker`, portal/tasks.py)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal import tasks
from portal.config import ConfigError
from portal.notify import sms
from portal.notify.outbox import send_pending, send_pending_sms, transport_from_config

outbox_group = AppGroup("outbox", help="Deliver queued e-mails and SMS.")


def _sms_channel(app):
    """The SMS channel, built once per process (the SDK clients keep their connections)."""
    channel = app.extensions.get("sms_channel")
    if channel is None:
        channel = app.extensions["sms_channel"] = sms.channel_from_config(app.config)
    return channel


def sms_codes(config):
    """Template name → provider code; the file channel writes the template's own name."""
    if config["SMS_PROVIDER"] == "file":
        return {name: name for name in sms.sms_texts.TEMPLATES}
    return sms.current_codes(config["SMS_TEMPLATE_CODES"])


def deliver_once(app):
    config = app.config
    mail = send_pending(transport_from_config(config), config["MAIL_FROM"])
    texts = send_pending_sms(_sms_channel(app), sms_codes(config), config["SMS_DAILY_CAP"])
    return mail, texts


def deliver_due():
    """One pass over the outbox; returns how many messages it handled (the loop sleeps when none)."""
    (sent, failed), (sms_sent, sms_not_sent) = deliver_once(current_app)
    if sent or failed or sms_sent or sms_not_sent:
        current_app.logger.info("outbox: %s e-mails sent, %s to retry; %s SMS sent, %s not sent",
                                sent, failed, sms_sent, sms_not_sent)
    return sent + failed + sms_sent + sms_not_sent


@outbox_group.command("send", help="Send every message that is due, once.")
def send_command():
    (sent, failed), (sms_sent, sms_not_sent) = deliver_once(current_app)
    click.echo(f"{sent} sent, {failed} to retry; SMS: {sms_sent} sent, {sms_not_sent} not sent")


# `flask outbox worker`: the name docs and cron lines used before the loop ran more than the outbox.
outbox_group.add_command(tasks.worker_command)


def check_sms_settings(config):
    """A provider needs a code for the current revision of every template the portal sends: a code
    registered for an older text would send words the portal no longer says (or be refused)."""
    if config["SMS_PROVIDER"] != "file":
        codes = sms.template_codes(config["SMS_TEMPLATE_CODES"])
        missing = [t for t in sms.sms_texts.TEMPLATES.values() if t.key not in codes]
        if missing:
            changed = [t.key for t in missing if any(key.startswith(f"{t.name}@") for key in codes)]
            absent = [t.key for t in missing if t.key not in changed]
            parts = ([f"no provider code for {', '.join(absent)}"] if absent else []) + (
                [f"the text of {', '.join(changed)} changed since its code was registered: register the new "
                 "text and give its code"] if changed else [])
            raise ConfigError(f"SMS_TEMPLATE_CODES has {'; '.join(parts)} (docs/sms-templates.md)")


def init_app(app):
    check_sms_settings(app.config)
    tasks.every(app, "deliver the outbox", 0, deliver_due)
    app.cli.add_command(outbox_group)
