"""`flask requests discard-drafts`: remove the check page's drafts never sent within
drafts.DRAFT_HOURS (the worker loop also does it every hour; cron can run it instead)."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.requests import drafts

requests_group = AppGroup("requests", help="Assistance requests: the check page's drafts.")


@requests_group.command("discard-drafts", help="Remove the documents of requests checked but never sent.")
def discard_drafts():
    click.echo(f"{drafts.discard_expired(current_app.config['UPLOAD_DIR'])} unsent draft(s) removed")
