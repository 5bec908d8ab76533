"""Content: Markdown files in content/ become the immutable Catalog the page views read."""

from datetime import date

from flask import abort, current_app, g

from portal.content.catalog import Catalog, ContentError, load_catalog
from portal.content.cli import content_group
from portal.content.law_changes import LawChangeClock, ordered_regimes

__all__ = ["Catalog", "ContentError", "current_catalog", "init_app"]


def current_catalog():
    return current_app.extensions["catalog"]


def privacy_version(lang):
    """The privacy notice a person agreed to: its date, stored with their request or subscription."""
    page = current_catalog().get("pages", "privacy", lang)
    return page.updated.isoformat() if page else "unknown"


def page_or_404(section, slug):
    """The page `section/slug` in the request's language, or a 404 when there is none."""
    page = current_catalog().get(section, slug, g.lang)
    if page is None:
        abort(404)
    return page


def init_app(app):
    # Loaded here, before gunicorn forks, so every worker shares one rendered catalog.
    app.extensions["catalog"] = load_catalog(app.config["CONTENT_DIR"])
    # Which regime of a dated law change comes first is decided when a page is rendered; the
    # clock empties the page cache on the day a change takes effect (law_changes.py).
    app.jinja_env.globals["law_regimes"] = lambda change: ordered_regimes(change, date.today())
    effective = [change.effective for page in app.extensions["catalog"] for change in page.changes]
    if "page_cache" in app.extensions:
        app.wsgi_app = LawChangeClock(app.wsgi_app, app.extensions["page_cache"], effective)

    app.cli.add_command(content_group)
