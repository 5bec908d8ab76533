"""`flask events remind` (the day-before reminders, also a worker-loop task) and `flask events
demo` (the demo events, also loaded by `flask seed demo`)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.events import service

events_group = AppGroup("events", help="Events: reminders and demo events.")


def remind_due():
    """The worker loop's task: queue the reminders that are due (each registrant once)."""
    queued = service.send_reminders(current_app.extensions["catalog"])
    if queued:
        current_app.logger.info("events: %s reminders queued", queued)
    return False


@events_group.command("remind", help="Queue the day-before reminders that are due (each registrant once).")
def remind_command():
    click.echo(f"{service.send_reminders(current_app.extensions['catalog'])} reminders queued")


@events_group.command("demo", help="Publish the demo events (marked demo) with demo registrations; not in production.")
def demo_command():
    from portal.events.demo import load_demo  # noqa: PLC0415

    click.echo(load_demo())
