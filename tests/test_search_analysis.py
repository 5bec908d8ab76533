"""Table-driven analyzer cases: what a person types must meet what the page says."""

import pytest

from portal.search.analysis import terms
from portal.search.glossary import related_phrases
from portal.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query


@pytest.mark.parametrize(("document", "query"), [
    ("质押融资", "质押"),
    ("质押融资", "融资"),
    ("质押融资", "质押融资"),
    ("地理标志产品保护", "地理标志"),
    ("商标抢注的风险", "商标抢注"),
    ("商标抢注的风险", "抢注"),
    ("维权援助中心", "维权援助"),
    ("专利导航服务", "专利导航"),
    ("美国337调查", "337"),
    ("美国337调查", "337调查"),
    ("通过WIPO的PCT途径", "WIPO"),
    ("通过WIPO的PCT途径", "pct"),
    ("ＷＩＰＯ和ＰＣＴ", "WIPO PCT"),
    ("Geographical indication", "geographic indications"),
    ("geographic indications", "Geographical Indication"),
    ("Registering trademarks", "trademark"),
    ("软件著作权登记", "软件著作权"),
    ("软件著作权登记", "著作权登记"),
])
def test_query_terms_are_found_in_the_document(document, query):
    wanted = set(terms(query))
    assert wanted and wanted <= set(terms(document)), (terms(query), terms(document))


@pytest.mark.parametrize(("text", "expected"), [
    ("专利怎么质押贷款", ["专利", "质押", "贷款"]),          # question words are stop words
    ("How do I register a trademark?", ["regist", "trademark"]),
    ("  , 。！？ ", []),
    ("title:x AND (*", ["titl", "x"]),                         # no syntax: just words
])
def test_terms(text, expected):
    assert terms(text) == expected


@pytest.mark.parametrize(("query", "related"), [
    ("trademark squatting in Europe", "商标抢注"),
    ("GI application", "地理标志"),
    ("专利怎么质押贷款", "pledge financing"),
    ("美国337调查", "section 337"),
    ("商标注册要多长时间", "how long"),
])
def test_glossary_relates_the_two_languages(query, related):
    assert related in related_phrases(query)


def test_glossary_matches_latin_phrases_as_whole_words():
    assert "地理标志" not in related_phrases("legit")  # "gi" inside a word is not GI


def test_query_length_and_term_caps():
    parsed = parse_query("专利 " * 5000)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    parsed = parse_query(" ".join(f"word{n}" for n in range(100)))
    assert len(parsed.terms) == MAX_TERMS


@pytest.mark.parametrize("raw", ["", "   ", "*", "a*", "~2", '"', "((( AND OR NOT", "\x00\x07\x1b", "\ud800",
                                 "😀🀄", "%E0%A4%A", "\u200b\u200b"])
def test_parse_never_fails(raw):
    parsed = parse_query(raw)
    assert isinstance(parsed.terms, tuple)
