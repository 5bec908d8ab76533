"""Text analysis shared by indexing and querying: jieba for Chinese, stemming for English.

jieba is given its dictionary and the domain words at import: as a file mapped into memory
(portal/search/dictionary.py: no 54 MB of Python objects in every process, and nothing to load),
except in index builds, which switch to jieba's own dict first (use_full_dictionary).
The tokenizer is our own small one on jieba's segmentation rather than jieba.analyse's
ChineseAnalyzer: importing jieba.analyse costs about 0.9 s and 96 MB per process.
Changing userdict.txt changes the tokens: rebuild the index afterwards.
"""

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.lang import stemmer_for_language

from portal.search import dictionary
from portal.search.dictionary import jieba

USER_DICT = Path(__file__).with_name("userdict.txt")

jieba.setLogLevel(logging.WARNING)
dictionary.load(USER_DICT)


def use_full_dictionary():
    """Before an index build: jieba's own dict, the fastest lookups for millions of words."""
    dictionary.use_full(USER_DICT)

# A token is a run of word characters (CJK included); punctuation and spaces are dropped.
_WORD = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Latin letters and digits inside a Chinese word (337调查, PCT申请) are also words of their own.
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
# Words too common to help ranking, in both languages.
STOP_WORDS = frozenset("""
a an and are as at be by can do does did for from how i in is it of on or our the to we what when where
which who why will with you your my me us much many get need there this that these those have has any
some into about
的 了 和 是 在 我 我们 你 您 怎么 怎样 如何 什么 要 吗 呢 吧 啊 哪 哪里 哪些 多久 多少 可以 能 能否 需要 一下
有 没有 个 就 都 也 还
""".split())


# Full-width letters and digits (ＷＩＰＯ, ３３７) to ASCII, one character for one, so token
# offsets still point into the original text that snippets display.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code).isalnum()}
_WIDTH_FOLD[0x3000] = 0x20  # ideographic space


def fold_width(text):
    return text.translate(_WIDTH_FOLD)


def normalise(text):
    """For query text: NFKC (full-width forms become ASCII), one space between words."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


LONGEST_WORD = 6
SHORTEST_CROSSING_WORD = 4


def _subwords(word, shortest=2):
    """(piece, offset) for each dictionary word of `shortest` to 6 characters inside `word`,
    the word itself excluded."""
    frequencies = jieba.dt.FREQ
    for offset in range(len(word) - shortest + 1):
        for size in range(min(LONGEST_WORD, len(word) - offset), shortest - 1, -1):
            piece = word[offset:offset + size]
            if size < len(word) and frequencies.get(piece):
                yield piece, offset


def segment(text):
    """(word, start, end) for each word of the text (jieba's precise mode), with
    - the dictionary words inside each longer word (质押融资 also gives 质押 and 融资);
    - dictionary words of four or more characters that cross jieba's choices: 软件著作权登记 is
      cut as 软件 + 著作权登记, yet 软件著作权 must be found. Shorter crossing pieces (标注 in
      商标|注册) are mostly accidents, so they are left out;
    - Latin runs inside a Chinese word (337 in 337调查).
    Punctuation is dropped."""
    text = fold_width(text)
    position = 0
    run, run_start, inside = "", 0, set()
    # HMM off: guessing unknown words costs a third of the time and splits them unpredictably;
    # unknown words still come out as single characters, which the index matches the same way.
    for word in jieba.cut(text, HMM=False):
        start, position = position, position + len(word)
        chinese = bool(_CJK.search(word))
        if chinese and word.isalpha():
            if not run:
                run_start = start
            run += word
        else:
            yield from _crossing_words(run, run_start, inside)
            run, inside = "", set()
        if not _WORD.search(word):
            continue
        yield word, start, position
        if chinese:
            if len(word) > 2:
                for piece, offset in _subwords(word):
                    inside.add((start + offset, len(piece)))
                    yield piece, start + offset, start + offset + len(piece)
            inside.add((start, len(word)))
            for latin in _LATIN_RUN.finditer(word):
                if latin.group() != word:
                    yield latin.group(), start + latin.start(), start + latin.end()
    yield from _crossing_words(run, run_start, inside)


def _crossing_words(run, run_start, inside):
    if len(run) < SHORTEST_CROSSING_WORD:
        return
    for piece, offset in _subwords(run, SHORTEST_CROSSING_WORD):
        if (run_start + offset, len(piece)) not in inside:
            yield piece, run_start + offset, run_start + offset + len(piece)


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer on segment(): sub-words of long words included, so 质押融资 is found
    by 质押, by 融资 and by 质押融资."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (word, start, end) in enumerate(segment(value)):
            token.original = token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


_english_stem = lru_cache(maxsize=100_000)(stemmer_for_language("en"))


class EnglishStemFilter(Filter):
    """Snowball English stemming for Latin words only: Chinese tokens are left alone rather than
    run through the stemmer for nothing (a fifth of the indexing time)."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if text.isascii() and text.isalpha():
                token.text = _english_stem(text)
            yield token


def portal_analyzer():
    return JiebaTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | EnglishStemFilter()


ANALYZER = portal_analyzer()


def terms(text):
    """The index terms a query produces, in order: what a query and a document are compared on."""
    return [token.text for token in ANALYZER(normalise(text))]
