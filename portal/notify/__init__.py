"""Notifications through an outbox: `flask outbox send` (one pass) and `flask outbox worker` (loop)."""

import click
from flask import current_app

from portal.notify.outbox import run_worker, send_pending, transport_from_config


def init_app(app):
    @app.cli.group("outbox", help="Deliver queued e-mails.")
    def outbox_group():
        pass

    @outbox_group.command("send", help="Send every message that is due, once.")
    def send_command():
        sent, failed = send_pending(transport_from_config(current_app.config), current_app.config["MAIL_FROM"])
        click.echo(f"{sent} sent, {failed} to retry")

    @outbox_group.command("worker", help="Keep sending messages as they become due.")
    @click.option("--interval", type=float, default=5.0, show_default=True, help="Seconds to wait when idle.")
    def worker_command(interval):
        # The service clock's escalations ride along, so one long-running process per host is enough.
        from portal.staff.service import escalate_overdue  # noqa: PLC0415 (staff imports notify's messages)

        every = current_app.config["SLA_CHECK_MINUTES"] * 60
        run_worker(transport_from_config(current_app.config), current_app.config["MAIL_FROM"], interval,
                   periodic=(every, escalate_overdue))
