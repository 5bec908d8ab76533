"""Search: Whoosh + jieba. Every Whoosh call stays inside this package, so the engine can change."""

from portal import tasks
from portal.search.cli import search_group
from portal.search.follow import compact_after_updates, follow_catalog
from portal.search.service import SearchIndex, SearchUnavailable, current_search

__all__ = ["SearchUnavailable", "current_search", "init_app"]


def init_app(app):
    app.extensions["search"] = SearchIndex(app.config["SEARCH_INDEX_DIR"])
    app.cli.add_command(search_group)
    # Every pass: a stat of the host's content signal and of the build's info file when nothing moved.
    tasks.every(app, "search index follows published content", 0, lambda: follow_catalog(app))
    tasks.every(app, "search index compaction", 60, lambda: compact_after_updates(app))

    from portal.search import views  # noqa: PLC0415 (the search page)

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
