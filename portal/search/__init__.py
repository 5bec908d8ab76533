"""Search: Whoosh + jieba. Every Whoosh call stays inside this package, so the engine can change."""

import click
from flask import current_app

from portal.search.indexer import build_index, current_build, is_stale
from portal.search.service import SearchIndex, SearchUnavailable

__all__ = ["SearchUnavailable", "current_search", "init_app"]


def current_search():
    return current_app.extensions["search"]


def catalog_entries(app):
    """One index entry per catalog page, with the URL the app itself builds for it."""
    from flask import url_for

    from portal.views.pages import page_endpoint

    catalog = app.extensions["catalog"]
    with app.test_request_context():
        for page in catalog:
            endpoint, args = page_endpoint(page)
            yield {"doc_id": f"{page.lang}/{page.section}/{page.slug}", "lang": page.lang, "kind": page.kind,
                   "topics": page.topics, "audience": page.audience, "title": page.title,
                   "summary": page.summary, "text": page.text,
                   # The date a result shows: an alert's own date (its event), else the last update,
                   # so that a 2019 rule whose page was re-checked today does not look new.
                   "updated": (page.date if page.kind == "alert" else page.updated).isoformat(),
                   "url": url_for(endpoint, lang=page.lang, **args)}


def init_app(app):
    app.extensions["search"] = SearchIndex(app.config["SEARCH_INDEX_DIR"])

    @app.cli.group("search", help="Build and inspect the search index.")
    def search_group():
        pass

    @search_group.command("build", help="Index the content into a new build and switch to it.")
    @click.option("--if-stale", is_flag=True, help="Only when the content or the analysis changed.")
    @click.option("--procs", type=int, default=1, show_default=True, help="Processes that analyse pages.")
    def build_command(if_stale, procs):
        root = current_app.config["SEARCH_INDEX_DIR"]
        content_build = current_app.extensions["catalog"].build_id
        if if_stale and not is_stale(root, content_build):
            _folder, info = current_build(root)
            click.echo(f"search index {info['build']} is up to date")
            return
        info = build_index(catalog_entries(current_app), root, content_build, procs=procs)
        click.echo(f"search index {info['build']}: {info['documents']} documents in {info['seconds']} s")

    @search_group.command("status", help="Which build is in service.")
    def status_command():
        root = current_app.config["SEARCH_INDEX_DIR"]
        _folder, info = current_build(root)
        if not info:
            raise click.ClickException("no search index has been built (flask search build)")
        stale = is_stale(root, current_app.extensions["catalog"].build_id)
        click.echo(f"{info['build']}: {info['documents']} documents, content {info['content_build']}, stale: {stale}")
