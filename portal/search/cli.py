"""`flask search build` and `flask search status`: the index, built offline and switched in."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.search.entries import catalog_entries
from portal.search.indexer import build_index, current_build, is_stale

search_group = AppGroup("search", help="Build and inspect the search index.")

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
    generation = current_app.extensions["catalog"].generation
    info = build_index(catalog_entries(current_app), root, content_build, procs=procs, generation=generation)
    click.echo(f"search index {info['build']}: {info['documents']} documents in {info['seconds']} s")

@search_group.command("status", help="Which build is in service.")
def status_command():
    root = current_app.config["SEARCH_INDEX_DIR"]
    _folder, info = current_build(root)
    if not info:
        raise click.ClickException("no search index has been built (flask search build)")
    stale = is_stale(root, current_app.extensions["catalog"].build_id)
    click.echo(f"{info['build']}: {info['documents']} documents, content {info['content_build']}, stale: {stale}")
