"""Personal data: retention (PIPL) and a requester's data on request (export, deletion)."""

from portal.privacy.cli import retention_group


def init_app(app):
    app.cli.add_command(retention_group)
