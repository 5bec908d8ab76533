"""Snippets: the sentence of a page that best matches the query, with its matching words marked.

Sentences are cut once at index time and stored one per line. At query time nothing is
analysed again: the query's terms are found by plain substring search (a Chinese term is its
own surface form, an English stem is the start of a word), and one regular expression marks
them in the chosen sentence and the title.
"""

import re
from bisect import bisect_right

from markupsafe import Markup, escape

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")
MAX_SENTENCE = 160
MAX_SENTENCES = 400


def split_sentences(text):
    """A page's plain text as sentences of at most MAX_SENTENCE characters, without newlines."""
    sentences = []
    for raw in SENTENCE_END.split(re.sub(r"[ \t]+", " ", text)):
        sentence = raw.strip()
        while sentence and len(sentences) < MAX_SENTENCES:
            piece, sentence = sentence[:MAX_SENTENCE], sentence[MAX_SENTENCE:].strip()
            sentences.append(piece)
    return sentences


def term_pattern(wanted):
    """One regex matching any wanted term as it appears in text, longest first; None if no terms."""
    parts = []
    for term in sorted({t for t in wanted if t}, key=len, reverse=True):
        if term.isascii():
            # Stems: "geograph" marks Geographical; digits and short words must match whole.
            parts.append(rf"\b{re.escape(term)}\w*" if term.isalpha() and len(term) > 3 else rf"\b{re.escape(term)}\b")
        else:
            parts.append(re.escape(term))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def mark(text, pattern):
    """HTML of text with every match of pattern wrapped in <mark>; the rest escaped."""
    if pattern is None:
        return escape(text)
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position:match.start()]))
        out.append(Markup("<mark>") + escape(match.group()) + Markup("</mark>"))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def best_snippet(stored_sentences, terms, pattern, fallback):
    """The sentence containing most distinct query terms (earliest wins a tie), marked.

    Terms are located with str.find on the lower-cased text (C speed, no regex over the whole
    page); only the chosen sentence is run through the marking pattern."""
    if not stored_sentences or pattern is None:
        return escape(fallback)
    lowered = stored_sentences.lower()
    line_starts, position = [0], lowered.find("\n")
    while position != -1:
        line_starts.append(position + 1)
        position = lowered.find("\n", position + 1)
    found = {}
    for term in {t.lower() for t in terms if t}:
        position = lowered.find(term)
        while position != -1:
            found.setdefault(bisect_right(line_starts, position) - 1, set()).add(term)
            position = lowered.find(term, position + len(term))
    if not found:
        return escape(fallback)
    best = min(found, key=lambda line: (-len(found[line]), line))
    end = line_starts[best + 1] - 1 if best + 1 < len(line_starts) else len(stored_sentences)
    return mark(stored_sentences[line_starts[best]:end], pattern)
