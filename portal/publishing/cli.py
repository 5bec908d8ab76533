"""`flask content publish-due` (for cron, where no worker loop runs) and the same as a task of
the worker loop. Added to the content group: it is a content command to the people who run it,
but the workflow it applies is this package's."""

import click

from portal.content.cli import content_group
from portal.db import db
from portal.publishing.service import publish_due


def publish_due_task():
    # A fresh snapshot: the loop's session may still hold an earlier task's read transaction.
    db.session.rollback()
    return bool(publish_due())


@content_group.command("publish-due", help="Publish or unpublish every scheduled page whose time has come.")
def publish_due_command():
    done = publish_due()
    for name in done:
        click.echo(f"published as scheduled: {name}")
    click.echo(f"{len(done)} scheduled change(s) published")
