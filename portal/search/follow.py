"""The search index follows what is published: a task of each host's worker loop (the one writer
of that host's index; web workers never write). When the loop's catalog has moved to another
content generation (portal/content/live.py keeps it current), only the pages whose indexed
fingerprint changed are re-indexed in place and removed pages deleted; no full rebuild."""

import logging

from portal.content import live_catalog
from portal.search.entries import catalog_entries
from portal.search.indexer import compact_index, current_build, update_index

log = logging.getLogger(__name__)


def follow_catalog(app):
    """One pass (in an app context). Returns False: an update is no reason to skip the sleep."""
    live_catalog(app).check()  # this host's publishes: the signal file, no database query
    catalog = app.extensions["catalog"]
    root = app.config["SEARCH_INDEX_DIR"]
    _folder, info = current_build(root)
    if info is None or info.get("content_build") == catalog.build_id:
        return False
    result = update_index(catalog_entries(app), root, catalog.build_id, catalog.generation)
    if result:
        changed, removed = result
        log.info("search index follows content generation %s: %s re-indexed, %s removed",
                 catalog.generation, len(changed), len(removed))
    return False


def compact_after_updates(app):
    """The loop's later merge: once updates have been quiet for a while, the build's small segments
    and the deleted versions in its large one are merged into one segment (seconds at 10,000 pages,
    so never on the path between a publish and the search showing it). Returns False."""
    if compact_index(app.config["SEARCH_INDEX_DIR"]):
        log.info("search index compacted into one segment")
    return False
