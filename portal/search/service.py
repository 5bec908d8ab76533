"""The search a worker runs: one index per process, opened after fork, reopened on a new build.

A Whoosh reader opened before gunicorn forks and then shared gives wrong results, so it is
opened lazily in the process that uses it (the pid is checked). Each search reads the
`current` link (one readlink) and stats the build's info file, and reopens when either changed,
so `flask search build` and the incremental updates of search/follow.py take effect in running
workers without a restart. Facet values are boolean masks
loaded once per build, so filtering and counting need no stored-field reads.
"""

import math
import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from flask import current_app
from whoosh.filedb.filestore import FileStorage

from portal.search import schema as S
from portal.search.indexer import CURRENT, INFO_FILE
from portal.search.query import parse_query
from portal.search.ranking import KIND_PRIOR, Ranker, read_postings, top
from portal.search.snippets import best_snippet, mark
from portal.search.spelling import Speller

PER_PAGE = 10
SPELLING_WORDS = 4      # misspelt words corrected per query
SPELLING_LONGEST = 20   # longer "words" are not words
OTHER_LANGUAGE_HITS = 5
CACHED_DOCUMENTS = 256  # stored fields kept per worker (a page's sentences are a few KB)
FACETS = (S.KIND, S.TOPICS, S.AUDIENCE)


def current_search():
    """This worker's SearchIndex (opened lazily, after the fork)."""
    return current_app.extensions["search"]


class SearchUnavailable(RuntimeError):
    """No usable index: search says so, the rest of the portal carries on."""


@dataclass(frozen=True)
class Hit:
    title: object   # Markup with <mark>ed terms
    url: str
    kind: str
    lang: str
    updated: date
    snippet: object


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    page: int
    pages: int
    hits: tuple
    facets: dict            # field -> [(value, count)], most first
    suggestion: str | None  # "did you mean", for misspelt English words
    other_language: tuple   # hits in the other language when this one has none


class _ClosingStorage(FileStorage):
    """Whoosh leaves files open when a corrupt index fails to load; this one closes them."""

    def __init__(self, folder):
        super().__init__(str(folder), readonly=True)
        self.opened = []

    def open_file(self, name, **kwargs):
        handle = super().open_file(name, **kwargs)
        self.opened.append(handle)
        return handle

    def open_or_close(self):
        try:
            return self.open_index()
        except Exception:
            for handle in self.opened:
                handle.close()
            raise
        finally:
            self.opened = []


class _OpenIndex:
    """One build: its searcher, ranker and facet masks."""

    def __init__(self, folder, stamp):
        self.build = folder.name
        self.stamp = stamp
        self.searcher = _ClosingStorage(folder).open_or_close().searcher()
        self.reader = self.searcher.reader()
        # Every read from the Whoosh reader holds this lock: its files are shared by the worker's
        # threads and have one position each (ranking.FieldScorer).
        self.reading = threading.Lock()
        self.ranker = Ranker(self.reader, S.CONTENT, S.TITLE_TERMS, self.reading)
        self._stored = {}  # document number -> stored fields, for the hits shown most often
        size = self.ranker.size
        # (field, value) -> boolean array over document numbers, from each value's postings
        # (reading every stored document instead would unpickle all their sentences).
        self.masks = {}
        for field in (S.LANG, *FACETS):
            for value in self.reader.lexicon(field):
                value = value.decode("utf-8") if isinstance(value, bytes) else value
                ids, _frequencies = read_postings(self.reader, field, value)
                mask = np.zeros(size, dtype=bool)
                mask[ids] = True
                self.masks[(field, value)] = mask
        self.prior = np.ones(size, dtype=np.float32)
        for kind, weight in KIND_PRIOR.items():
            self.prior[self.mask(S.KIND, kind)] = weight
        # The spelling lexicon in memory, read in one walk: "did you mean" never reads the disk.
        self.speller = Speller(((word.decode("utf-8"), info.weight()) for word, info in
                                self.reader.iter_field(S.SPELLING)), SPELLING_LONGEST)

    def stored_fields(self, docnum):
        found = self._stored.get(docnum)
        if found is None:
            with self.reading:
                found = self.reader.stored_fields(docnum)
            if len(self._stored) >= CACHED_DOCUMENTS:
                self._stored = {}  # whole, not one by one: the threads share it without a lock
            self._stored[docnum] = found
        return found

    def mask(self, field, value):
        found = self.masks.get((field, value))
        return found if found is not None else np.zeros(self.ranker.size, dtype=bool)

    def close(self):
        self.searcher.close()


def _stamp(folder):
    """Names the state of a build: its folder and when its info file was last written (the host's
    worker rewrites it after each incremental update, so workers reopen and see the change)."""
    try:
        return folder.name, os.stat(folder / INFO_FILE).st_mtime_ns
    except OSError:
        return folder.name, None


class SearchIndex:
    def __init__(self, index_root):
        self.index_root = Path(index_root)
        self._lock = threading.Lock()
        self._pid = None
        self._open = None

    def _current_folder(self):
        try:
            return self.index_root / os.readlink(self.index_root / CURRENT)
        except OSError:
            raise SearchUnavailable("no search index has been built") from None

    def opened(self):
        folder = self._current_folder()
        stamp = _stamp(folder)
        with self._lock:
            if self._pid != os.getpid() or self._open is None or self._open.stamp != stamp:
                try:
                    fresh = _OpenIndex(folder, stamp)
                except Exception as error:  # a missing or corrupt build: any Whoosh or OS error
                    raise SearchUnavailable(f"search index {folder.name} cannot be opened: {error}") from error
                if self._open is not None and self._pid == os.getpid():
                    self._open.close()
                self._open, self._pid = fresh, os.getpid()
            return self._open

    def close(self):
        """Close this process's searcher (gunicorn's master, before it forks: portal/prefork.py)."""
        with self._lock:
            if self._open is not None and self._pid == os.getpid():
                self._open.close()
            self._open, self._pid = None, None

    def search(self, raw_query, lang, filters=None, page=1, other_lang=None):
        parsed = parse_query(raw_query)
        opened = self.opened()
        filters = {field: value for field, value in (filters or {}).items() if field in FACETS and value}
        if not parsed.terms and not parsed.groups:
            return SearchResults(parsed.text, 0, 1, 1, (), {}, None, ())
        scores = opened.ranker.scores(parsed.terms, parsed.groups) * opened.prior
        matched = scores > 0
        in_scope = matched & opened.mask(S.LANG, lang)
        for field, value in filters.items():
            in_scope &= opened.mask(field, value)
        total = int(in_scope.sum())
        pages = max(1, math.ceil(total / PER_PAGE))
        page = min(max(1, page), pages)
        ranked = top(scores, np.flatnonzero(in_scope), page * PER_PAGE)[(page - 1) * PER_PAGE:]
        hits = self._hits(opened, parsed, ranked)
        facets = self._facet_counts(opened, in_scope) if total else {}
        other = ()
        if total == 0 and other_lang:
            in_other = np.flatnonzero(matched & opened.mask(S.LANG, other_lang))
            other = self._hits(opened, parsed, top(scores, in_other, OTHER_LANGUAGE_HITS))
        suggestion = self._suggestion(opened, parsed.text) if total < 3 else None
        return SearchResults(parsed.text, total, page, pages, hits, facets, suggestion, other)

    @staticmethod
    def _hits(opened, parsed, docnums):
        highlight = parsed.highlight
        words = parsed.terms + parsed.related
        hits = []
        for docnum in docnums:
            fields = opened.stored_fields(int(docnum))
            hits.append(Hit(
                title=mark(fields[S.TITLE], highlight), url=fields[S.URL], kind=fields[S.KIND],
                lang=fields[S.LANG], updated=date.fromisoformat(fields[S.UPDATED]),
                snippet=best_snippet(fields[S.SENTENCES], words, highlight, fields[S.SUMMARY])))
        return tuple(hits)

    @staticmethod
    def _facet_counts(opened, in_scope):
        counts = {field: [] for field in FACETS}
        for (field, value), mask in opened.masks.items():
            if field in counts:
                count = int(np.count_nonzero(mask & in_scope))
                if count:
                    counts[field].append((value, count))
        return {field: sorted(values, key=lambda item: (-item[1], item[0])) for field, values in counts.items()}

    @staticmethod
    def _suggestion(opened, text):
        """The query with misspelt English words replaced by the nearest indexed word (the same
        answer as Whoosh's corrector, from the build's lexicon in memory: spelling.py). Only words
        of plausible length are corrected, and only the first few."""
        words = text.split(" ")
        changed, checked = False, 0
        for number, word in enumerate(words):
            lower = word.lower()
            if checked < SPELLING_WORDS and 4 <= len(lower) <= SPELLING_LONGEST and lower.isascii() \
                    and lower.isalpha() and not opened.speller.holds(lower):
                checked += 1
                suggestion = opened.speller.suggest(lower)
                if suggestion:
                    words[number], changed = suggestion, True
        return " ".join(words) if changed else None


class RenderedPages:
    """This worker's last results pages, for the searches asked again (the popular ones): keyed by
    the open build's stamp, so a new build or an incremental update starts afresh. Searches are
    still counted by the rate limit, which runs first. Bounded by SEARCH_PAGE_CACHE entries."""

    def __init__(self, size):
        self.size = size
        self.stamp = None
        self.pages = {}

    def get(self, stamp, key):
        return self.pages.get(key) if stamp == self.stamp else None

    def put(self, stamp, key, html):
        if not self.size:
            return
        if stamp != self.stamp or len(self.pages) >= self.size:
            self.pages = {}  # whole, not one by one: the worker's threads share it without a lock
            self.stamp = stamp
        self.pages[key] = html
