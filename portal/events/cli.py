"""`flask events remind` (the day-before reminders, also a worker-loop task) and `flask events
demo` (the demo events, also loaded by `flask seed demo`)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.events import service

events_group = AppGroup("events", help="Events: reminders and demo events.")


def remind_due():
    """The worker loop's task: queue the reminders that are due (each registrant once), and move
    the waiting list up where places are free (a capacity raised by an editor)."""
    catalog = current_app.extensions["catalog"]
    queued, moved = service.send_reminders(catalog), service.fill_free_places(catalog)
    if queued or moved:
        current_app.logger.info("events: %s reminders queued, %s moved up from a waiting list", queued, moved)
    return False


@events_group.command("remind", help="Queue the day-before reminders that are due (each registrant once).")
def remind_command():
    click.echo(f"{service.send_reminders(current_app.extensions['catalog'])} reminders queued")


@events_group.command("demo", help="Publish the demo events (marked demo) with demo registrations; not in production.")
def demo_command():
    from portal.events.demo import load_demo  # noqa: PLC0415

    click.echo(load_demo())
