"""Notifications through an outbox: `flask outbox send` (one pass), and delivery as a task of the
worker loop (`flask worker`, portal/tasks.py)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal import tasks
from portal.notify.outbox import send_pending, transport_from_config

outbox_group = AppGroup("outbox", help="Deliver queued e-mails.")


def deliver_due():
    """One pass over the outbox; returns how many messages it handled (the loop sleeps when none)."""
    sent, failed = send_pending(transport_from_config(current_app.config), current_app.config["MAIL_FROM"])
    if sent or failed:
        current_app.logger.info("outbox: %s sent, %s to retry", sent, failed)
    return sent + failed


@outbox_group.command("send", help="Send every message that is due, once.")
def send_command():
    sent, failed = send_pending(transport_from_config(current_app.config), current_app.config["MAIL_FROM"])
    click.echo(f"{sent} sent, {failed} to retry")


# `flask outbox worker`: the name docs and cron lines used before the loop ran more than the outbox.
outbox_group.add_command(tasks.worker_command)


def init_app(app):
    tasks.every(app, "deliver the outbox", 0, deliver_due)
    app.cli.add_command(outbox_group)
