"""Jargon is explained where a reader first meets it, in both languages (issue 15, point 7)."""

import re

import pytest

from portal.config import ROOT

TERMS = ("FTO", "TISC", "Schutzschrift")
# The term, then inside the same brackets a colon or comma and an explanation of some length.
EXPLAINED = r"{term}(?: search)?[:：,，]\s*[^)）]{{8,}}[)）]"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_term_is_explained_at_its_first_use(catalog, lang):
    seen = set()
    for page in catalog:
        if page.lang != lang:
            continue
        for term in TERMS:
            first = page.text.find(term)
            if first == -1:
                continue
            seen.add(term)
            window = page.text[first:first + 200]
            assert re.match(EXPLAINED.format(term=re.escape(term)), window), (page.slug, term, window[:80])
    assert seen == set(TERMS)


def test_ui_words_for_feeds_and_patent_navigation_are_plain():
    zh = (ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "Atom 源" not in zh
    assert re.search(r'msgstr "专利申请与专利导航（[^"）]{6,}）咨询"', zh)
