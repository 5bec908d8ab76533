""""Did you mean": the nearest indexed English word, from the lexicon held in memory per build.

Whoosh's corrector walks the on-disk lexicon with a Levenshtein automaton for every misspelt
word; that was 93 % of a query with no hits (19.5 ms, three times a query that matched), and a
query with no hits is the cheapest one an attacker can make up. Here the spelling lexicon is read
once per open build (a few thousand words, one walk) into a matrix of letters, and the edit
distance to every word of a similar length is computed at once with numpy: a few vector
operations per letter typed. The answer is the one Whoosh's ReaderCorrector gives
(`suggest(word, limit=1, maxdist=2)`): of the words within edit distance 2 (Levenshtein, no
transpositions), the most frequent; on equal frequency the alphabetically last.
"""

import numpy as np

MAX_DISTANCE = 2
CACHED_WORDS = 2048  # answers kept per build and worker (a misspelling is often typed again)


class Speller:
    def __init__(self, words_with_frequencies, longest):
        """`words_with_frequencies`: (word, frequency) pairs of the lexicon; words longer than
        `longest` + MAX_DISTANCE can never be within reach of a corrected word and are left out."""
        kept = [(word, frequency) for word, frequency in words_with_frequencies
                if word.isascii() and len(word) <= longest + MAX_DISTANCE]
        width = longest + MAX_DISTANCE
        self.words = [word for word, _frequency in kept]
        self._held = frozenset(self.words)
        self.lengths = np.array([len(word) for word in self.words], dtype=np.int16)
        self.frequencies = np.array([frequency for _word, frequency in kept], dtype=np.float64)
        # One row of letter codes per word, padded with 0 (never equal to a typed letter).
        letters = np.zeros((len(kept), width), dtype=np.uint8)
        for row, word in enumerate(self.words):
            letters[row, :len(word)] = np.frombuffer(word.encode("ascii"), dtype=np.uint8)
        self.letters = letters
        self._cache = {}

    def holds(self, word):
        """Whether the lexicon has `word` (of at most `longest` letters): no disk read."""
        return word in self._held

    def suggest(self, word):
        """The best indexed word within MAX_DISTANCE edits of `word` (an ASCII word the index does
        not hold), or None."""
        try:
            return self._cache[word]
        except KeyError:
            pass
        found = self._nearest(word)
        if len(self._cache) >= CACHED_WORDS:
            self._cache = {}  # whole, not one by one: threads of a worker share it without a lock
        self._cache[word] = found
        return found

    def _nearest(self, word):
        size = len(word)
        rows = np.flatnonzero(np.abs(self.lengths - size) <= MAX_DISTANCE)
        if rows.size == 0:
            return None
        width = size + MAX_DISTANCE
        letters = self.letters[rows, :width]
        columns = np.arange(width + 1, dtype=np.int16)
        # Row i of the Levenshtein table for every candidate at once: distances from the first i
        # typed letters to each prefix of the candidate. Columns past a candidate's own length
        # never feed the columns before them, so the padding does no harm.
        previous = np.broadcast_to(columns, (rows.size, width + 1))
        for typed in word.encode("ascii"):
            current = np.empty_like(previous)
            current[:, 0] = previous[:, 0] + 1
            # substitution (or a match) and deletion, then insertion as a running minimum
            np.minimum(previous[:, :-1] + (letters != typed), previous[:, 1:] + 1, out=current[:, 1:])
            current = np.minimum.accumulate(current - columns, axis=1) + columns
            previous = current
            if previous.min() > MAX_DISTANCE:
                return None
        distances = previous[np.arange(rows.size), self.lengths[rows]]
        near = rows[distances <= MAX_DISTANCE]
        if near.size == 0:
            return None
        best = max(near, key=lambda row: (self.frequencies[row], self.words[row]))
        return self.words[best]
