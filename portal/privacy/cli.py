"""`flask retention run`: remove personal data past the retention period (from cron, daily)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.privacy import retention

retention_group = AppGroup("retention", help="Personal data retention (PIPL).")


@retention_group.command("run", help="Remove personal data of requests closed longer than the retention period.")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def retention_run(dry_run):
    requests, files, subscriptions, mails = retention.run(dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(f"{requests} request(s) and {files} attachment(s) {verb} cleared "
               f"(closed more than {current_app.config['RETENTION_DAYS']} days ago)")
    if not dry_run:
        click.echo(f"{subscriptions} alert subscription(s) and {mails} old e-mail(s) deleted")
