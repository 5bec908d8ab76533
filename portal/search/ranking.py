"""Scoring with numpy over posting arrays cached per worker: BM25 plus a coordination factor.

Whoosh stores the index and its lexicon; scoring an OR of a dozen common terms through
Whoosh's pure-Python matchers costs tens of milliseconds per query at 10,000 documents.
Here each term's postings are read once per worker into two arrays (document numbers and
BM25 weights); a query adds them into one score vector, and filters and facet counts are
boolean masks. Per query that is a few vector operations per term.
"""

import threading
from array import array
from collections import OrderedDict

import numpy as np
from whoosh.reading import TermNotFound

K1 = 1.2
B = 0.75
COORD = 0.9          # weight of "matches more of the typed words" in the final score
TITLE_BOOST = 1.5    # a query word in the title counts this much more than in the text
# A guide is the lasting answer to a question; an alert reports one dated event and should come
# first only when the query names that event, so its score counts for less.
KIND_PRIOR = {"alert": 0.6}
CACHED_TERMS = 4096  # posting arrays kept per worker (most are a few hundred bytes)
EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def read_postings(reader, field, term):
    """(document numbers, term frequencies) of one term, read a block at a time."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return None
    ids, weights = array("i"), array("f")
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # Whoosh's block matcher: take each block's arrays whole instead of one posting at a time.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if matcher._lastblock:
                break
            matcher._next_block()
    else:  # short posting lists stored inline in the term table
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.frombuffer(ids, dtype=np.int32).copy(), np.frombuffer(weights, dtype=np.float32).copy()


class FieldScorer:
    """BM25 weights of one field's terms for one open index build.

    A Whoosh reader is not safe for threads (its files have one position each: two threads
    reading postings at once got each other's bytes, and a 500), so every read holds `lock`, the
    build's one lock; cached postings are read without it."""

    def __init__(self, reader, field, lock=None):
        self.reader = reader
        self.field = field
        self.lock = lock or threading.Lock()
        self.size = reader.doc_count_all()
        lengths = np.array([reader.doc_field_length(d, field, 0) for d in range(self.size)], dtype=np.float32)
        average = float(lengths.mean()) if self.size else 1.0
        self._norm = K1 * ((1 - B) + B * lengths / (average or 1.0))
        self._cache = OrderedDict()

    def postings(self, term):
        """(document numbers, BM25 weight of the term in each) — cached, least recently used out."""
        cached = self._cache.get(term)
        if cached is not None:
            try:
                self._cache.move_to_end(term)
            except KeyError:
                pass  # another thread just let it go
            return cached
        with self.lock:
            raw = read_postings(self.reader, self.field, term)
        if raw is None:
            entry = EMPTY
        else:
            ids, tf = raw
            df = len(ids)
            idf = np.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
            entry = (ids, (idf * tf * (K1 + 1) / (tf + self._norm[ids])).astype(np.float32))
        with self.lock:
            self._cache[term] = entry
            if len(self._cache) > CACHED_TERMS:
                self._cache.popitem(last=False)
        return entry



class Ranker:
    """Scores for one open index build (one per worker and build): text plus weighted title."""

    def __init__(self, reader, text_field, title_field, lock=None):
        lock = lock or threading.Lock()
        self.text = FieldScorer(reader, text_field, lock)
        self.title = FieldScorer(reader, title_field, lock)
        self.size = self.text.size

    def _add_term(self, target, term, weight):
        ids, weights = self.text.postings(term)
        target[ids] += weight * weights
        title_ids, title_weights = self.title.postings(term)
        target[title_ids] += weight * TITLE_BOOST * title_weights
        return ids

    def scores(self, own_terms, groups):
        """A score per document (0 where nothing matched). Typed terms add up; each glossary group
        ((weight, phrases)) adds only its best phrase per document (a phrase scores the mean of its
        words where all of them occur), so a group with many synonyms weighs as one concept; glossary words do not count
        towards the typed words matched."""
        scores = np.zeros(self.size, dtype=np.float32)
        matched_own = np.zeros(self.size, dtype=np.float32)
        for term in own_terms:
            matched_own[self._add_term(scores, term, 1.0)] += 1.0
        for weight, phrases in groups:
            best = np.zeros(self.size, dtype=np.float32)
            for phrase in phrases:
                phrase_scores = np.zeros(self.size, dtype=np.float32)
                has_all = np.ones(self.size, dtype=bool)
                for term in phrase:
                    present = np.zeros(self.size, dtype=bool)
                    present[self._add_term(phrase_scores, term, weight / len(phrase))] = True
                    has_all &= present
                # A phrase is one concept: its words' mean, and only where all of them occur.
                np.maximum(best, np.where(has_all, phrase_scores, 0), out=best)
            scores += best
        if own_terms:
            scores *= (1 - COORD) + COORD * matched_own / len(own_terms)
        return scores


def top(scores, docs, limit):
    """Document numbers among `docs` (an array) with the highest scores, best first; ties by number."""
    if limit <= 0 or docs.size == 0:
        return docs[:0]
    if docs.size > limit:
        part = np.argpartition(-scores[docs], limit - 1)[:limit]
        docs = docs[part]
    order = np.lexsort((docs, -scores[docs]))
    return docs[order]
