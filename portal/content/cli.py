"""`flask content check|import|export`: the shipped library's checks, and moving it in and out of
the content store (portal/content/library.py). `flask content publish-due` belongs to the
editorial workflow and is added to this group by portal/publishing/cli.py."""

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.content.catalog import read_all
from portal.content.check import check_pages
from portal.content.law_changes import review_warnings
from portal.content.library import export_library, import_library
from portal.content.live import live_catalog
from portal.content.terms import page_findings
from portal.content.urls import link_resolver

content_group = AppGroup("content", help="Check the Markdown content; import it into the store, export it back.")


def _fail(problems, where):
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"{len(problems)} problem(s) in {where}")


@content_group.command("check", help="Fail on schema errors, missing translations, broken links or bad dates.")
def check_command():
    content_dir = Path(current_app.config["CONTENT_DIR"])
    pages, load_problems = read_all(content_dir)
    problems = check_pages(pages, load_problems, link_resolver(current_app, pages))
    months = current_app.config["CONTENT_REVIEW_MAX_MONTHS"]
    for warning in review_warnings(pages, date.today(), months):
        click.echo(f"warning: {warning}", err=True)
    # Words to avoid (portal/content/terms.yaml): reported, never failing the check, because a
    # serious one may be right in context; the review refuses to publish it without a reviewer's
    # confirmation and reason (portal/publishing), which the files cannot carry.
    for page in pages:
        for finding in page_findings(page):
            click.echo(f"warning: {page.path}: {finding.term.level} term {finding.term.term!r} in the "
                       f"{finding.where} (write: {finding.term.instead})", err=True)
    if problems:
        _fail(problems, content_dir)
    click.echo(f"{len(pages)} pages OK in {content_dir}")


@content_group.command("import", help="Load the shipped content/ into the store; pages changed in the browser "
                                      "get the shipped text as a draft, never overwritten.")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to import (default: PORTAL_CONTENT_DIR).")
def import_command(source):
    content_dir = source or Path(current_app.config["CONTENT_DIR"])
    pages, _problems = read_all(content_dir)
    report, problems = import_library(content_dir, link_resolver(current_app, pages))
    if problems:
        _fail(problems, content_dir)
    if report.generation:
        live = live_catalog(current_app)
        live.rebuild()
        live.announce(report.generation)
    click.echo(f"{len(report.published)} published, {len(report.drafts)} as drafts for review, "
               f"{report.unchanged} unchanged")
    for name in report.drafts:
        click.echo(f"  draft (changed in the browser, shipped text kept for review): {name}")


@content_group.command("export", help="Write the live content as Markdown files into DIR (the content/ format).")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_command(target):
    live = live_catalog(current_app)
    catalog = live.rebuild()
    written, problems = export_library(target, catalog, link_resolver(current_app, list(catalog)))
    if problems:
        _fail(problems, "the live content")
    click.echo(f"{written} files written to {target}")
