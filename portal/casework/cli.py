"""`flask sla check`: escalate overdue requests (the worker loop also runs it every
PORTAL_SLA_CHECK_MINUTES; cron can run it instead)."""

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from portal.casework import service

sla_group = AppGroup("sla", help="The service clock.")


@sla_group.command("check", help="Escalate overdue requests to the coordinators (each once).")
def sla_check():
    calendar, _days = current_app.extensions["sla"]
    for year in calendar.missing_years(date.today()):
        click.echo(f"warning: portal/data/holidays-cn.toml has no calendar for {year}; "
                   "weekends only are counted as days off", err=True)
    click.echo(f"{service.escalate_overdue()} request(s) escalated")
