"""Search: Whoosh + jieba. Every Whoosh call stays inside this package, so the engine can change."""

from portal import tasks
from portal.search.cli import search_group
from portal.search.follow import compact_after_updates, follow_catalog
from portal.search.service import RenderedPages, SearchIndex, SearchUnavailable, current_search

__all__ = ["SearchUnavailable", "current_search", "init_app", "warm"]
WARM_QUERIES = (("商标注册", "zh"), ("专利质押融资", "zh"), ("trademark registration", "en"))


def warm(app):
    """In a freshly forked worker (gunicorn's post_worker_init): open this worker's searcher and
    run a few searches, so the first visitor does not wait for the build to be opened (its facet
    masks, lengths and spelling lexicon) and the first postings to be read. Never before the
    fork: a searcher shared across processes gives wrong results."""
    search = app.extensions.get("search")
    if search is None:
        return  # not the portal (bench/bare_app.py)
    with app.app_context():
        try:
            for query, lang in WARM_QUERIES:
                search.search(query, lang)
        except SearchUnavailable:
            pass  # said on the search page and in the log when someone searches


def init_app(app):
    app.extensions["search"] = SearchIndex(app.config["SEARCH_INDEX_DIR"])
    app.extensions["search_pages"] = RenderedPages(app.config["SEARCH_PAGE_CACHE"])
    app.cli.add_command(search_group)
    # Every pass: a stat of the host's content signal and of the build's info file when nothing moved.
    tasks.every(app, "search index follows published content", 0, lambda: follow_catalog(app))
    tasks.every(app, "search index compaction", 60, lambda: compact_after_updates(app))

    from portal.search import views  # noqa: PLC0415 (the search page)

    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
