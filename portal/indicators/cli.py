"""`flask indicators list` and `flask indicators set`: the plan's indicators from the command line."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.db import db
from portal.indicators.latest import InvalidIndicatorValue, display_number, latest_values, set_latest
from portal.indicators.plan import load_plan

indicators_group = AppGroup("indicators", help="The plan's indicators and their latest published values.")

@indicators_group.command("list", help="Every indicator with its baseline, target and latest value.")
def list_command():
    latest = latest_values()
    for indicator in load_plan().indicators:
        value = latest.get(indicator.key)
        shown = f"{display_number(value.value)} ({value.as_of})" if value else "not yet published"
        click.echo(f"{indicator.key}: 2020 {indicator.baseline_2020}, 2025 target {indicator.target_2025}, "
                   f"latest {shown}")

@indicators_group.command("set", help="Record a published value with its date and source.")
@click.argument("key")
@click.argument("value")
@click.option("--as-of", required=True, help="The date the value describes, YYYY-MM-DD.")
@click.option("--source-title", required=True, help="The publication the value comes from.")
@click.option("--source-url", required=True, help="Its http(s) address.")
@click.option("--by", "entered_by", default="cli", show_default=True, help="Who entered it.")
def set_command(key, value, as_of, source_title, source_url, entered_by):
    try:
        row = set_latest(key, value, as_of, source_title, source_url, entered_by)
    except InvalidIndicatorValue as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    current_app.logger.info("indicator %s set to %s as of %s by %s", key, row.value, row.as_of, entered_by)
    click.echo(f"{key}: {display_number(row.value)} as of {row.as_of} recorded")
