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
from math import log
from pathlib import Path

from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, StopFilter, Token, Tokenizer
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

# What segment() derives from one jieba word, by word: words repeat heavily in any text, and the
# derivation (regular expressions, up to 15 dictionary look-ups for the pieces inside) cost
# more than jieba's own cut. Bounded: emptied when full (numbers and odd strings are words too).
_WORD_CACHE_SIZE = 200_000
_words = {}
_dictionary = None  # what the cached derivations were made from: see _check_dictionary


def clear_caches():
    """Forget every word derived so far (needed after jieba.del_word: see _check_dictionary)."""
    global _dictionary  # noqa: PLW0603 (the caches are per process)
    _words.clear()
    _terms.clear()
    _pairs.clear()
    _dictionary = None


def _check_dictionary():
    """Empty the word cache when jieba's dictionary changed since it was filled (a new FREQ,
    or words added); returns (FREQ, log of the total) for the cut."""
    global _dictionary  # noqa: PLW0603
    frequencies, total = jieba.dt.FREQ, jieba.dt.total
    state = (id(frequencies), total, len(frequencies))
    if state != _dictionary:
        _words.clear()
        _pairs.clear()
        _dictionary = state
    return frequencies, log(total)


def _subwords(word, shortest=2):
    """(piece, offset) for each dictionary word of `shortest` to 6 characters inside `word`,
    the word itself excluded."""
    frequencies = jieba.dt.FREQ
    for offset in range(len(word) - shortest + 1):
        for size in range(min(LONGEST_WORD, len(word) - offset), shortest - 1, -1):
            piece = word[offset:offset + size]
            if size < len(word) and frequencies.get(piece):
                yield piece, offset


def _derive(word):
    """(in a Chinese run, a token at all, the extra (piece, start, end) relative to the word,
    outside jieba's blocks: a run with such a word is not within one block)."""
    chinese = bool(_CJK.search(word))
    extras = []
    if chinese:
        if len(word) > 2:
            extras += [(piece, offset, offset + len(piece)) for piece, offset in _subwords(word)]
        extras += [(latin.group(), latin.start(), latin.end()) for latin in _LATIN_RUN.finditer(word)
                   if latin.group() != word]
    in_run = chinese and word.isalpha()
    return in_run, bool(_WORD.search(word)), tuple(extras), in_run and not _HAN_BLOCK.fullmatch(word)


def _word_info(word):
    """_derive(word), remembered (segment() looks in _words first)."""
    if len(_words) >= _WORD_CACHE_SIZE:
        _words.clear()
    info = _words[word] = _derive(word)
    return info


# jieba.cut(text, HMM=False), the same words, written for speed: jieba builds a dict of every
# dictionary word at each position, then scores each with a generator, a second look-up and
# max(); here one backward pass does both, with the same floating-point operations in the same
# order, so every choice (ties included: the longer word wins, as max() on (score, end) picks)
# is jieba's. The pass also notes the long dictionary words it meets, which the crossing words
# are drawn from. tests/test_search_tokens.py holds this to jieba.cut itself.
_HAN_BLOCK = jieba.re_han_default  # what jieba looks up in its dictionary
_SKIP = jieba.re_skip_default


def _jieba_words(text, frequencies, logtotal, long_words):
    """The words of jieba.cut(text, HMM=False), as a list; fills long_words (see _best_route)."""
    words, offset = [], 0
    for block in _HAN_BLOCK.split(text):
        if _HAN_BLOCK.match(block):
            words += _cut_block(block, frequencies, logtotal, long_words, offset)
        else:  # one word per character, whitespace alone (\r\n together)
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    words.append(piece)
                else:
                    words += piece
        offset += len(block)
    return words


def _best_route(sentence, frequencies, logtotal, long_words, offset):
    """end[i]: the last character of the word jieba chooses at i (its calc() over get_DAG()).
    long_words[offset + i]: the sizes (ascending) of the dictionary words of 4 to 6 characters
    at i. Walking on while the piece is a key finds every word: jieba's dictionary holds each
    word's beginnings too (with frequency 0)."""
    size = len(sentence)
    score = [0.0] * (size + 1)
    end = [0] * size
    frequency_of = frequencies.get
    for start in range(size - 1, -1, -1):
        best, best_end = _NO_SCORE, start  # every score is finite
        if start + 1 < size:  # the first two steps of the walk, from what the two characters gave before
            pair = sentence[start:start + 2]
            first, second, longer = _pairs.get(pair) or _pair(pair, frequency_of, logtotal)
            if first is not None:
                best = first + score[start + 1]
            if second is not None:
                candidate = second + score[start + 2]
                if candidate >= best:
                    best, best_end = candidate, start + 1
            last = start + 2 if longer else size
            piece = sentence[start:start + 3]
        else:
            last, piece = start, sentence[start]
        while last < size:
            frequency = frequency_of(piece)
            if frequency is None:  # not even the beginning of a dictionary word
                break
            if frequency:  # 0: only the beginning of one
                candidate = log(frequency) - logtotal + score[last + 1]
                if candidate >= best:
                    best, best_end = candidate, last
                if last - start >= SHORTEST_CROSSING_WORD - 1 and last - start < LONGEST_WORD:
                    long_words.setdefault(offset + start, []).append(last - start + 1)
            last += 1
            piece = sentence[start:last + 1]
        if best == _NO_SCORE:  # no dictionary word here: the single character, as jieba scores it
            best = log(frequency_of(sentence[start]) or 1) - logtotal + score[start + 1]
        score[start], end[start] = best, best_end
    return end


# The walk's first two steps by the two characters: (the first's word score, the pair's, whether
# longer words start with the pair), a score being log(frequency) - log(total) as jieba adds it,
# None for no word. Most walks end there. Emptied with _words.
_pairs = {}


def _pair(pair, frequency_of, logtotal):
    frequency = frequency_of(pair[0])
    if frequency is None:  # the walk stops at once
        steps = (None, None, False)
    else:
        pair_frequency = frequency_of(pair)
        steps = (log(frequency) - logtotal if frequency else None,
                 log(pair_frequency) - logtotal if pair_frequency else None, pair_frequency is not None)
    if len(_pairs) >= _WORD_CACHE_SIZE:
        _pairs.clear()
    _pairs[pair] = steps
    return steps


_NO_SCORE = float("-inf")
_LATIN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng


def _cut_block(sentence, frequencies, logtotal, long_words, offset):
    end = _best_route(sentence, frequencies, logtotal, long_words, offset)
    words, latin, start, size = [], "", 0, len(sentence)
    while start < size:
        stop = end[start] + 1
        word = sentence[start:stop]
        if stop - start == 1 and word in _LATIN_CHARACTERS:  # single Latin letters and digits are joined
            latin += word
        else:
            if latin:
                words.append(latin)
                latin = ""
            words.append(word)
        start = stop
    if latin:
        words.append(latin)
    return words


def segment(text):
    """(word, start, end) for each word of the text (jieba's precise mode), with
    - the dictionary words inside each longer word (质押融资 also gives 质押 and 融资);
    - dictionary words of four or more characters that cross jieba's choices: 软件著作权登记 is
      cut as 软件 + 著作权登记, yet 软件著作权 must be found. Shorter crossing pieces (标注 in
      商标|注册) are mostly accidents, so they are left out;
    - Latin runs inside a Chinese word (337 in 337调查).
    Punctuation is dropped."""
    frequencies, logtotal = _check_dictionary()
    text = fold_width(text)
    position = 0
    long_words = {}
    run, run_start, in_block = [], 0, True  # the current run of Chinese words
    # HMM off: guessing unknown words costs a third of the time and splits them unpredictably;
    # unknown words still come out as single characters, which the index matches the same way.
    for word in _jieba_words(text, frequencies, logtotal, long_words):
        start, position = position, position + len(word)
        in_run, is_token, extras, outside = _words.get(word) or _word_info(word)
        if in_run:
            if not run:
                run_start, in_block = start, True
            run.append(word)
            in_block = in_block and not outside
        elif run:
            yield from _crossing_words(run, run_start, long_words if in_block else None, frequencies)
            run = []
        if is_token:
            yield word, start, position
            for piece, piece_start, piece_end in extras:
                yield piece, start + piece_start, start + piece_end
    if run:
        yield from _crossing_words(run, run_start, long_words if in_block else None, frequencies)


def _crossing_words(words, run_start, long_words, frequencies):
    """Dictionary words of 4 to 6 characters in the run, the run itself excluded, that span a
    boundary between its words (those inside one word came out with it), offset by offset,
    longest first. From long_words when the run is within one of jieba's blocks, else (a rare
    character outside them, 㐀, joined it) looked up."""
    run = "".join(words)
    offsets = range(len(run) - SHORTEST_CROSSING_WORD + 1)
    if long_words is None:
        starting = [(offset, [size for size in range(SHORTEST_CROSSING_WORD, LONGEST_WORD + 1)
                              if frequencies.get(run[offset:offset + size])]) for offset in offsets]
    else:  # most runs have no long word at all
        starting = [(offset, long_words[run_start + offset]) for offset in offsets if run_start + offset in long_words]
    if not starting:
        return
    boundaries, edge = [], 0
    for word in words[:-1]:
        edge += len(word)
        boundaries.append(edge)
    boundaries.append(len(run))  # past the last boundary, nothing crosses
    following = 0  # boundaries[following]: the first boundary after `offset`
    for offset, sizes in starting:
        while boundaries[following] <= offset:
            following += 1
        reach = boundaries[following] - offset  # pieces longer than this cross it
        for size in reversed(sizes):
            if size <= reach:
                break
            if offset + size <= len(run) and size < len(run):
                yield run[offset:offset + size], run_start + offset, run_start + offset + size


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


# The term each word becomes (lowercased, stemmed if English) and whether it is a stop word:
# PortalAnalyzer's one pass instead of three filters per token. Bounded as _words is.
_terms = {}


def _term(word, stops):
    """What LowercaseFilter, StopFilter(minsize=1) and EnglishStemFilter make of one word, in
    that order (the stemmer sees stop words too)."""
    text = word.lower()
    stopped = not (len(text) >= 1 and text not in stops)
    if text.isascii() and text.isalpha():
        text = _english_stem(text)
    if len(_terms) >= _WORD_CACHE_SIZE:
        _terms.clear()
    _terms[word] = (text, stopped)
    return text, stopped


class PortalAnalyzer(CompositeAnalyzer):
    """JiebaTokenizer | LowercaseFilter | StopFilter | EnglishStemFilter, run in one pass with
    each word's term cached: the three filters, a generator each per token, were a sixth of the
    analysis. The same tokens as the composed chain (tests/test_search_tokens.py); without
    stemming (no_morph) the chain itself runs. Made here only, so the filters are these."""

    def __init__(self):
        super().__init__(JiebaTokenizer(), LowercaseFilter(), StopFilter(stoplist=STOP_WORDS, minsize=1),
                         EnglishStemFilter())

    def __call__(self, value, no_morph=False, **kwargs):
        if no_morph:
            return super().__call__(value, no_morph=no_morph, **kwargs)
        return self._analyse(value, **kwargs)

    def index_terms(self, value):
        """The terms indexing counts (the stop words dropped), without Token objects: see
        schema.CountedFrequency."""
        stops = self.items[2].stops
        found = []
        for word, _start, _end in segment(value):
            text, stopped = _terms.get(word) or _term(word, stops)
            if not stopped:
                found.append(text)
        return found

    def _analyse(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        stops = self.items[2].stops
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        pos = None  # StopFilter numbers the words it keeps from the first one's position on
        for number, (word, start, end) in enumerate(segment(value)):
            text, stopped = _terms.get(word) or _term(word, stops)
            if stopped and removestops:
                continue
            token.original, token.text, token.stopped = word, text, stopped
            if positions:
                if stopped:
                    token.pos = start_pos + number
                else:
                    pos = start_pos + number if pos is None else pos + 1
                    token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def portal_analyzer():
    return PortalAnalyzer()


ANALYZER = portal_analyzer()


def terms(text):
    """The index terms a query produces, in order: what a query and a document are compared on."""
    return [token.text for token in ANALYZER(normalise(text))]
