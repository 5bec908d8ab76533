"""Content: Markdown files in content/ become the immutable Catalog the page views read."""

from datetime import date
from pathlib import Path

import click
from flask import abort, current_app, g
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.content.catalog import Catalog, ContentError, load_catalog, read_all
from portal.content.check import check_pages
from portal.content.law_changes import LawChangeClock, ordered_regimes, review_warnings

__all__ = ["Catalog", "ContentError", "current_catalog", "init_app"]


def current_catalog():
    return current_app.extensions["catalog"]


def page_or_404(section, slug):
    """The page `section/slug` in the request's language, or a 404 when there is none."""
    page = current_catalog().get(section, slug, g.lang)
    if page is None:
        abort(404)
    return page


def link_resolver(app, pages):
    """A function telling whether a site path is a real, canonical page of this portal."""
    adapter = app.url_map.bind("localhost")
    page_keys = {(page.section, page.slug, page.lang) for page in pages}

    def resolve(path):
        try:
            endpoint, args = adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return False  # a redirect counts as broken: content should link the canonical URL
        if "lang" in args and args["lang"] not in ("zh", "en"):
            return False
        if endpoint == "pages.guide":
            return ("guides", args["slug"], args["lang"]) in page_keys
        if endpoint == "alerts.detail":
            return ("alerts", args["slug"], args["lang"]) in page_keys
        if endpoint == "education.material":
            return ("education", args["slug"], args["lang"]) in page_keys
        return True

    return resolve


def init_app(app):
    # Loaded here, before gunicorn forks, so every worker shares one rendered catalog.
    app.extensions["catalog"] = load_catalog(app.config["CONTENT_DIR"])
    # Which regime of a dated law change comes first is decided when a page is rendered; the
    # clock empties the page cache on the day a change takes effect (law_changes.py).
    app.jinja_env.globals["law_regimes"] = lambda change: ordered_regimes(change, date.today())
    effective = [change.effective for page in app.extensions["catalog"] for change in page.changes]
    if "page_cache" in app.extensions:
        app.wsgi_app = LawChangeClock(app.wsgi_app, app.extensions["page_cache"], effective)

    @app.cli.group("content", help="Check the Markdown content.")
    def content_group():
        pass

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
