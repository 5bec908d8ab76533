"""`flask columns …`: the notices, policy library and interpretations from the command line."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.columns import attachments
from portal.db import db

columns_group = AppGroup("columns", help="Notices, policy files and their interpretations.")


@columns_group.command("attachments", help="List the published-file store: id, type, size, name, live pages.")
def attachments_command():
    catalog = current_app.extensions["catalog"]
    for item in db.session.scalars(select(attachments.PublicAttachment).order_by(attachments.PublicAttachment.id)):
        pages = ", ".join(f"{s}/{slug}.{lang}" for s, slug, lang in attachments.live_references(catalog, item.token))
        click.echo(f"{item.token}  {item.type_label:5}  {item.size:>9}  {item.original_name}  {pages or '-'}")
