"""`flask ratings escalate`: escalate overdue follow-ups of bad ratings (the worker loop also runs
it every PORTAL_SLA_CHECK_MINUTES; cron can run it instead)."""

import click
from flask.cli import AppGroup

from portal.ratings import service

ratings_group = AppGroup("ratings", help="好差评 ratings and the follow-ups of bad ratings.")


@ratings_group.command("escalate", help="Escalate overdue follow-ups of bad ratings to the coordinators (each once).")
def escalate():
    click.echo(f"{service.escalate_overdue_follow_ups()} follow-up(s) escalated")
