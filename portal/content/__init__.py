"""Content: the content store (portal/content/store.py) and the shipped Markdown in content/
become the immutable Catalog the page views read, kept current by portal/content/live.py."""

from datetime import date

from flask import abort, current_app, g

from portal import tasks
from portal.content.catalog import Catalog, ContentError, load_catalog
from portal.content.cli import content_group
from portal.content.law_changes import LawChangeClock, ordered_regimes
from portal.content.live import LiveCatalog, live_catalog

__all__ = ["Catalog", "ContentError", "current_catalog", "init_app", "live_catalog", "load_catalog"]


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
    live = app.extensions["live_catalog"] = LiveCatalog(app)
    live.load()
    # Which regime of a dated law change comes first is decided when a page is rendered; the
    # clock empties the page cache on the day a change takes effect (law_changes.py).
    app.jinja_env.globals["law_regimes"] = lambda change: ordered_regimes(change, date.today())
    clock = LawChangeClock(lambda: app.extensions["catalog"], app.extensions["page_cache"])

    def keep_fresh():
        live.check()
        clock.check()

    app.extensions["page_cache_middleware"].freshness = keep_fresh
    app.cli.add_command(content_group)
    # Each host's loop reads the generation from the database and tells the host's web workers.
    tasks.every(app, "follow published content", app.config["CONTENT_POLL_SECONDS"], live.follow_store)
