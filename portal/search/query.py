"""From what a person typed to search terms, with no query syntax at all.

The text is normalised and cut into the same terms the index holds, plus the glossary's
related phrases (weighted lower when scored). No wildcard, fuzzy, range, field, boost or
phrase syntax exists to be abused (each can make one query take seconds), and nothing can
fail to parse: `title:x AND (*` is just the words title and x. How the terms are scored is
in ranking.py.
"""

from dataclasses import dataclass

from portal.search.analysis import normalise, terms
from portal.search.glossary import related_groups
from portal.search.snippets import term_pattern

MAX_QUERY_CHARS = 200
MAX_TERMS = 24
MAX_RELATED_TERMS = 24


@dataclass(frozen=True)
class ParsedQuery:
    text: str          # the normalised, length-capped query shown back to the user
    terms: tuple       # the query's own terms
    groups: tuple      # ((weight, phrases), …), a phrase being a tuple of terms: one entry per
                       # glossary group the query touches, scored by its best-matching phrase

    @property
    def related(self):
        return _unique((term for _weight, phrases in self.groups for phrase in phrases for term in phrase), 10**6)

    @property
    def highlight(self):
        """The pattern that marks this query's words in titles and snippets."""
        return term_pattern(set(self.terms) | set(self.related))


def clean_query_text(raw):
    # Control characters and unpaired surrogates (from bad percent-encoding) are dropped.
    text = "".join(ch for ch in (raw or "") if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)
    return normalise(text)[:MAX_QUERY_CHARS]


def _unique(items, limit):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
        if len(seen) == limit:
            break
    return tuple(seen)


def parse_query(raw):
    text = clean_query_text(raw)
    own = _unique(terms(text), MAX_TERMS)
    groups, budget = [], MAX_RELATED_TERMS
    for weight, phrases in related_groups(text):
        group = []
        for phrase in phrases:
            phrase_terms = tuple(t for t in terms(phrase) if t not in own)
            if phrase_terms and budget >= len(phrase_terms):
                group.append(phrase_terms)
                budget -= len(phrase_terms)
        if group:
            groups.append((weight, tuple(group)))
    return ParsedQuery(text, own, tuple(groups))
