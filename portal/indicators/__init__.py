"""The plan's indicators: the table from plan.yaml, latest values from the database, and the
`flask indicators` commands (cli) and the public page, CSV and chart (views)."""

from portal.indicators.cli import indicators_group
from portal.indicators.plan import load_plan


def init_app(app):
    load_plan()  # a broken plan.yaml stops the start-up, like broken content
    app.cli.add_command(indicators_group)

    from portal.indicators import views  # noqa: PLC0415

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
