"""`flask alerts digest` and `flask alerts purge`: alert e-mails to subscribers."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.alerts import subscriptions

alerts_group = AppGroup("alerts", help="Alert e-mails to subscribers.")

@alerts_group.command("digest", help="Queue a digest for every subscriber with new matching alerts.")
@click.option("--frequency", type=click.Choice(subscriptions.FREQUENCIES), default="weekly", show_default=True,
              help="Which subscribers: run 'immediate' often (e.g. hourly), 'weekly' once a week.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Include alerts dated on or after this day (default: "
                   f"{subscriptions.LOOKBACK_DAYS} days before each subscription was confirmed).")
def digest_command(frequency, since):
    queued = subscriptions.queue_digests(
        current_app.extensions["catalog"], frequency, current_app.config["SECRET_KEY"],
        current_app.config["SITE_URL"], since=since.date() if since else None)
    click.echo(f"{queued} {frequency} digest(s) queued")

@alerts_group.command("purge", help="Delete unconfirmed and unsubscribed subscriptions (retention).")
def purge_command():
    click.echo(f"{subscriptions.purge()} subscription(s) deleted")
