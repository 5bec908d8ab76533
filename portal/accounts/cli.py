"""`flask users create-admin`: the first administrator (everyone else is invited by one)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts import passwords
from portal.db import db
from portal.models import User

users = AppGroup("users", help="Staff and administrator accounts.")


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


def _ask_password(email):
    for _attempt in range(3):
        password = click.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
        found = passwords.problems(password, email)
        if not found:
            return password
        with current_app.test_request_context("/en/"):  # the messages are translated per request
            click.echo(str(found[0]), err=True)
    raise click.ClickException("no acceptable password given")
