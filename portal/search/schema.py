"""The index schema, declared once. One document per page per language."""

from collections import Counter

from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from portal.search.analysis import ANALYZER, PortalAnalyzer

DOC_ID = "doc_id"        # ID, unique: "<lang>/<section>/<slug>", the one real key (replaced on rebuild)
LANG = "lang"            # ID: a hard filter, results are in the page's language first
KIND = "kind"            # ID: guide / page (alerts, education materials later); a facet
TOPICS = "topics"        # KEYWORD, comma-separated: a page has several; a facet
AUDIENCE = "audience"    # KEYWORD, comma-separated: a facet
CONTENT = "content"      # TEXT, not stored: title, summary and body, scored with BM25
TITLE_TERMS = "title_terms"  # TEXT, not stored: the title alone. Scored separately and weighted,
                         # because in one field a long guide's many mentions saturate BM25 and
                         # hide the strongest signal: the words are in the title
SPELLING = "spelling"    # TEXT of unstemmed English words: the lexicon "did you mean" draws from
TITLE = "title"          # STORED: shown (and marked) in results
SUMMARY = "summary"      # STORED: the snippet when no sentence matches
URL = "url"              # STORED: the page's path, built by the app's own url_for
UPDATED = "updated"      # STORED: ISO date shown in results (an alert's own date, else the last update)
SENTENCES = "sentences"  # STORED: the plain text cut into sentences, one per line, for snippets

SPELLING_ANALYZER = RegexTokenizer(r"[A-Za-z]{3,}") | LowercaseFilter()


class CountedFrequency(Frequency):
    """Whoosh's Frequency format (what a TEXT field without phrases stores), the same postings,
    with PortalAnalyzer's terms counted from a plain list: Whoosh's way passes each token
    through a generator and two dictionaries (its weight is the sum of the tokens' boosts, all
    1.0 here: the count). Anything else goes Whoosh's way."""

    def word_values(self, value, analyzer, **kwargs):
        if not (isinstance(analyzer, PortalAnalyzer) and isinstance(value, str) and set(kwargs) <= {"mode"}):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((term, count, float(count) * boost, pack_uint(count))
                for term, count in Counter(analyzer.index_terms(value)).items())


def _text(analyzer):
    field = TEXT(analyzer=analyzer, phrase=False)
    field.format = CountedFrequency(field_boost=field.format.field_boost)
    return field


def build_schema():
    return Schema(**{
        DOC_ID: ID(unique=True, stored=True),
        LANG: ID(stored=True),
        KIND: ID(stored=True),
        TOPICS: KEYWORD(stored=True, commas=True),
        AUDIENCE: KEYWORD(stored=True, commas=True),
        CONTENT: _text(ANALYZER),
        TITLE_TERMS: _text(ANALYZER),
        SPELLING: TEXT(analyzer=SPELLING_ANALYZER, phrase=False),
        TITLE: STORED(),
        SUMMARY: STORED(),
        URL: STORED(),
        UPDATED: STORED(),
        SENTENCES: STORED(),
    })
