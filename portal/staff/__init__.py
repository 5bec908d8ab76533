"""The institutions' workspace: accounts, the queue, actions on requests, the service clock.

CLI: `flask users create-admin`, `flask sla check`, `flask retention run` (run the last two from
cron or alongside `flask outbox worker`, which also runs the SLA check every
PORTAL_SLA_CHECK_MINUTES).
"""

from datetime import date

import click
from flask import current_app
from sqlalchemy import select

from portal import retention, sla
from portal.db import db
from portal.models import User
from portal.staff import auth, passwords, service


def init_app(app):
    auth.init_app(app)
    sla.init_app(app)

    @app.cli.group("users", help="Staff and administrator accounts.")
    def users():
        pass

    @users.command("create-admin", help="Create an administrator (asks for the password).")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    def create_admin(email, name):
        email = email.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)):
            raise click.ClickException(f"an account with the e-mail {email} exists already")
        password = _ask_password(email)
        db.session.add(User(email=email, name=name.strip(), role="admin",
                            password_hash=passwords.hash_password(password)))
        db.session.commit()
        click.echo(f"administrator {email} created")

    @app.cli.group("sla", help="The service clock.")
    def sla_group():
        pass

    @sla_group.command("check", help="Escalate overdue requests to the coordinators (each once).")
    def sla_check():
        calendar, _days = current_app.extensions["sla"]
        for year in calendar.missing_years(date.today()):
            click.echo(f"warning: portal/data/holidays-cn.toml has no calendar for {year}; "
                       "weekends only are counted as days off", err=True)
        click.echo(f"{service.escalate_overdue()} request(s) escalated")

    @app.cli.group("retention", help="Personal data retention (PIPL).")
    def retention_group():
        pass

    @retention_group.command("run", help="Remove personal data of requests closed longer than the retention period.")
    @click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
    def retention_run(dry_run):
        requests, files = retention.run(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        click.echo(f"{requests} request(s) and {files} attachment(s) {verb} cleared "
                   f"(closed more than {current_app.config['RETENTION_DAYS']} days ago)")


def _ask_password(email):
    for _attempt in range(3):
        password = click.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
        found = passwords.problems(password, email)
        if not found:
            return password
        with current_app.test_request_context("/en/"):  # the messages are translated per request
            click.echo(str(found[0]), err=True)
    raise click.ClickException("no acceptable password given")
