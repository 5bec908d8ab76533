"""'Did you mean' from the lexicon in memory gives Whoosh's own corrector's answers."""

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.search import current_search
from portal.search import schema as S
from portal.search.service import SPELLING_LONGEST
from portal.search.spelling import Speller

WORDS = [("trademark", 40), ("trademarks", 12), ("registration", 30), ("patent", 50), ("patents", 9),
         ("pledge", 7), ("fees", 5), ("feed", 5), ("free", 3)]


@pytest.mark.parametrize(("typed", "expected"), [
    ("trademrk", "trademark"),        # one deletion
    ("tradmrk", "trademark"),         # two
    ("trademarkss", "trademark"),     # within two edits the more frequent word wins (as Whoosh ranks)
    ("registraton", "registration"),
    ("patnet", "patent"),             # a transposition is two edits (Levenshtein, as Whoosh)
    ("feex", "fees"),                 # equal frequency: the alphabetically last (as Whoosh's heap)
    ("zzzzzz", None),
    ("pl", None),
])
def test_table_of_corrections(typed, expected):
    speller = Speller(WORDS, SPELLING_LONGEST)
    assert speller.suggest(typed) == expected


def levenshtein(first, second):
    row = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        previous, row[0] = row[0], i
        for j, b in enumerate(second, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (a != b))
    return row[-1]


def whoosh_answer(words, typed):
    """Whoosh's ReaderCorrector: of the words within 2 edits, the most frequent, ties to the last."""
    near = [(frequency, word) for word, frequency in words if levenshtein(word, typed) <= 2]
    return max(near)[1] if near else None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aeinrst", min_size=4, max_size=12))
def test_same_answer_as_a_plain_edit_distance(typed):
    rng = random.Random(7)
    words = [("".join(rng.choice("aeinrst") for _ in range(rng.randint(3, 14))), rng.randint(1, 4))
             for _ in range(400)]
    words = list({word: frequency for word, frequency in words}.items())
    assert Speller(words, SPELLING_LONGEST).suggest(typed) == whoosh_answer(words, typed)


def test_same_answers_as_whoosh_on_the_real_index(app):
    """Misspellings of the index's own English words (and noise) answered as Whoosh's corrector does."""
    with app.app_context():
        opened = current_search().opened()
    corrector = opened.searcher.corrector(S.SPELLING)
    lexicon = [word.decode() for word in opened.reader.lexicon(S.SPELLING)]
    rng = random.Random(2026)
    typed = set()
    for word in rng.sample([w for w in lexicon if 4 <= len(w) <= 12], 60):
        letters = list(word)
        for _ in range(rng.randint(1, 3)):
            letters[rng.randrange(len(letters))] = rng.choice(string.ascii_lowercase)
        typed.add("".join(letters))
    typed |= {"".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 20))) for _ in range(40)}
    typed = sorted(word for word in typed if not opened.reader.frequency(S.SPELLING, word))
    assert len(typed) > 80
    answered = 0
    for word in typed:
        expected = corrector.suggest(word, limit=1, maxdist=2)
        assert opened.speller.suggest(word) == (expected[0] if expected else None), word
        answered += bool(expected)
    assert answered > 20  # the comparison covered real corrections, not only "nothing near"
