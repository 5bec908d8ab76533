"""通知公告 (notices), 政策文件 (the policy library) and 政策解读 (interpretations): the public lists
with filters, pages and Atom feeds (views), the published files (attachments, attachment_views),
the demo notices of `flask seed demo` (demo) and `flask columns` (cli). What the pages are (the
front matter, the checks between a policy and its interpretations) is declared below the
features, in portal/content/columns.py; editors write and reviewers publish them through the
publishing workflow like every other page."""

from portal.columns import attachments  # noqa: F401 (the model is part of the schema)
from portal.columns.cli import columns_group


def init_app(app):
    from portal.columns import attachment_views, views  # noqa: PLC0415, F401 (both add routes to bp)
    from portal.columns.blueprint import bp  # noqa: PLC0415

    app.register_blueprint(bp, url_prefix="/<language:lang>")
    app.cli.add_command(columns_group)
