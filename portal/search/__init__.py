"""Search: Whoosh + jieba. Every Whoosh call stays inside this package, so the engine can change."""

from portal.search.cli import search_group
from portal.search.service import SearchIndex, SearchUnavailable, current_search

__all__ = ["SearchUnavailable", "current_search", "init_app"]


def init_app(app):
    app.extensions["search"] = SearchIndex(app.config["SEARCH_INDEX_DIR"])
    app.cli.add_command(search_group)

    from portal.search import views  # noqa: PLC0415 (the search page)

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
