"""`flask content check`: the shipped content's schema, languages, links and dates."""

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.content.catalog import read_all
from portal.content.check import check_pages
from portal.content.law_changes import review_warnings
from portal.content.urls import link_resolver

content_group = AppGroup("content", help="Check the Markdown content.")

@content_group.command("check", help="Fail on schema errors, missing translations, broken links or bad dates.")
def check_command():
    content_dir = Path(current_app.config["CONTENT_DIR"])
    pages, load_problems = read_all(content_dir)
    problems = check_pages(pages, load_problems, link_resolver(current_app, pages))
    months = current_app.config["CONTENT_REVIEW_MAX_MONTHS"]
    for warning in review_warnings(pages, date.today(), months):
        click.echo(f"warning: {warning}", err=True)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {content_dir}")
    click.echo(f"{len(pages)} pages OK in {content_dir}")
