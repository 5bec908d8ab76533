"""Every guide and teaching material that teaches the 2019 Trademark Law shows both regimes
around 1 January 2027, when the revised law takes effect (issue 15, point 3)."""

from datetime import date

import pytest

CHANGE = date(2027, 1, 1)


def teaches_the_trademark_law(page):
    return any(("Trademark Law" in s.title or "商标法" in s.title) and "2019" in s.title
               and "实施条例" not in s.title and "Implementation" not in s.title and "Implementing" not in s.title
               for s in page.sources)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_on_the_trademark_law_state_both_regimes(catalog, lang):
    pages = [p for section in ("guides", "education") for p in catalog.in_section(section, lang)
             if teaches_the_trademark_law(p)]
    slugs = {p.slug for p in pages}
    assert {"trademark-registration", "class-logo", "genuine-or-fake", "ip-basics-quiz"} <= slugs
    for page in pages:
        changes = [c for c in page.changes if c.effective == CHANGE]
        assert changes, page.slug
        for change in changes:
            assert "2019" in change.before and "2026" in change.after, page.slug
