"""Keeping each process's catalog in step with the content store, without a query per request.

Every process holds an immutable Catalog and the page cache built from it. What is live changes
in the database, and the content generation counter goes up with it. Two signals carry the new
number to the processes:

- a small file in the instance folder (`content-generation`), written by whoever published (the
  publishing host: every worker sees it at once) and by each host's worker loop, which reads the
  counter from the database every PORTAL_CONTENT_POLL_SECONDS (every other host: within that
  bound plus one request);
- each web worker stats that file on every request (one system call, no database) and, when its
  number differs from the catalog's, rebuilds the catalog from the store and empties the page cache.

Rebuilding renders only the revisions it has not rendered before (kept by revision id), so a
publish costs one or two Markdown renders per worker, not the whole library. Before the first
`flask content import` the store is empty and the catalog comes from the shipped files.
"""

import hashlib
import logging
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.exc import OperationalError, ProgrammingError

from portal.content import store
from portal.content.catalog import Catalog, ContentError, load_catalog, page_from_text
from portal.db import db

log = logging.getLogger(__name__)
SIGNAL_FILE = "content-generation"
# Dates are checked when a revision is saved and published; a live page is never refused later
# because its dates were "in the future" on the day it was scheduled.
NO_FUTURE_CHECK = date.max


def store_catalog(rendered=None):
    """(catalog of every live revision, revision id -> rendered Page) inside an app context, or
    (None, {}) when the store is empty. Pages in `rendered` are reused, not rendered again."""
    rendered = rendered or {}
    kept = {}
    generation = store.current_generation()
    rows = store.live_texts()
    if not rows:
        return None, {}
    history = store.public_history()
    behind = store.stale_translations()
    pages, problems = [], []
    digest = hashlib.sha256()
    for section, slug, lang, revision_id, text in rows:
        digest.update(f"{section}/{slug}/{lang}/{revision_id}\0".encode())
        page = rendered.get(revision_id)
        if page is None:
            page, page_problems = page_from_text(section, slug, lang, text, f"{section}/{slug}.{lang}.md",
                                                 NO_FUTURE_CHECK)
            problems.extend(page_problems)
            if page is None:
                continue
        kept[revision_id] = page
        key = (section, slug, lang)
        pages.append(replace(page, history=history.get(key, ()), translation_behind=key in behind,
                             generation=generation))
    if problems:
        raise ContentError(problems)
    return Catalog(pages, "s" + digest.hexdigest()[:11], generation), kept


class LiveCatalog:
    """This process's catalog and the check that keeps it current."""

    def __init__(self, app):
        self.app = app
        self.signal = Path(app.config["INSTANCE_DIR"]) / SIGNAL_FILE
        self._seen = None  # (mtime_ns, size) of the signal file last read
        self._rendered = {}

    def load(self):
        """At start-up: the store when it holds pages, the shipped files otherwise (a fresh
        install before `flask content import`, or before `flask db upgrade` created the tables)."""
        with self.app.app_context():
            try:
                catalog, self._rendered = store_catalog(self._rendered)
            except (OperationalError, ProgrammingError):
                db.session.rollback()
                catalog = None
            finally:
                db.session.remove()
                # No pooled connection may cross gunicorn's fork into the workers.
                db.engine.dispose()
        if catalog is None:
            catalog = load_catalog(self.app.config["CONTENT_DIR"])
        self.app.extensions["catalog"] = catalog
        self._seen = self._stat()
        return catalog

    def _stat(self):
        try:
            info = os.stat(self.signal)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def signalled_generation(self):
        try:
            return int(self.signal.read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            return None

    def check(self):
        """On every request: one stat; a rebuild only when the signal names another generation."""
        seen = self._stat()
        if seen == self._seen:
            return False
        self._seen = seen
        signalled = self.signalled_generation()
        if signalled is None or signalled == self.app.extensions["catalog"].generation:
            return False
        with self.app.app_context():
            try:
                self.rebuild()
            finally:
                db.session.remove()
        return True

    def rebuild(self):
        """Build the catalog from the store (in an app context) and empty the page cache."""
        catalog, rendered = store_catalog(self._rendered)
        if catalog is None:
            return self.app.extensions["catalog"]
        self._rendered = rendered
        self.app.extensions["catalog"] = catalog
        self.app.extensions["page_cache"].clear()
        log.info("content generation %s: catalog rebuilt (%s pages)", catalog.generation, len(catalog))
        return catalog

    def announce(self, generation):
        """Tell every process of this host (this one included) that `generation` is live."""
        self.signal.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.signal.with_name(f".{SIGNAL_FILE}-{os.getpid()}")
        temporary.write_text(str(generation), encoding="ascii")
        os.replace(temporary, self.signal)

    def follow_store(self):
        """The worker loop's task (in an app context): read the counter; rebuild this process's
        catalog and tell the host's web workers when it moved. Returns False: finding a change is no
        reason to skip the loop's sleep."""
        # The loop keeps one session for all its tasks: end whatever transaction an earlier task
        # left open, so the number read is the database's now.
        db.session.rollback()
        generation = store.current_generation()
        db.session.rollback()
        if not generation:
            return False
        if generation != self.app.extensions["catalog"].generation:
            self.rebuild()
        # Compared with what this host was told, not with this process's catalog: a loop that
        # started after a publish loads the new catalog itself, yet the web workers must still hear
        # of it (bench/publishing.py found a second host that missed its first publish).
        if generation != self.signalled_generation():
            self.announce(generation)
        self._seen = self._stat()
        return False


def live_catalog(app):
    return app.extensions["live_catalog"]
