from datetime import date

import pytest

from portal.content.schema import parse_date, validate_front_matter

TODAY = date(2026, 11, 26)
VALID_GUIDE = {
    "title": "专利权质押融资", "summary": "用专利向银行贷款。", "kind": "guide", "topics": ["patent"],
    "audience": ["enterprise"], "request_type": "pledge-financing", "updated": "2026-11-01",
    "reviewed": "2026-11-02",
    "sources": [{"title": "专利法", "url": "https://www.cnipa.gov.cn/art/2020/11/23/art_97_155167.html",
                 "checked": "2026-11-02"}],
}


def with_(**changes):
    meta = dict(VALID_GUIDE)
    for key, value in changes.items():
        if value is None:
            meta.pop(key)
        else:
            meta[key] = value
    return meta


def test_valid_guide_has_no_problems_and_typed_values():
    values, problems = validate_front_matter(VALID_GUIDE, "guide", TODAY)
    assert problems == []
    assert values["updated"] == date(2026, 11, 1)
    assert values["topics"] == ("patent",)
    assert values["order"] == 100  # the default
    assert values["sources"][0].checked == date(2026, 11, 2)


@pytest.mark.parametrize(("meta", "expected"), [
    (with_(title=None), "title: missing"),
    (with_(title="   "), "title: must be non-empty text"),
    (with_(summary="长" * 301), "at most 300 characters"),
    (with_(kind="alert"), "kind:"),
    (with_(topics=["patents"]), "unknown ['patents']"),
    (with_(topics=[]), "topics: must be a non-empty list"),
    (with_(audience=None), "audience: missing"),
    (with_(request_type="loan"), "request_type:"),
    (with_(updated="2026-02-30"), "updated:"),
    (with_(updated="26/11/2026"), "not a date in YYYY-MM-DD form"),
    (with_(updated="2027-01-01", reviewed="2027-01-02"), "is in the future"),
    (with_(reviewed="2026-10-01"), "reviewed (2026-10-01) is before updated (2026-11-01)"),
    (with_(sources=None), "sources: missing"),
    (with_(sources=[{"title": "x", "url": "ftp://x", "checked": "2026-11-01"}]), "not an http(s) URL"),
    (with_(sources=[{"title": "x", "url": "https://x.cn"}]), "must have title, url and checked"),
    (with_(sources=[{"title": "x", "url": "https://x.cn", "checked": "2026-13-01"}]), "checked"),
    (with_(order=-1), "order:"),
    (with_(colour="red"), "unknown front-matter keys ['colour']"),
])
def test_schema_errors_are_reported_in_words(meta, expected):
    _values, problems = validate_front_matter(meta, "guide", TODAY)
    assert any(expected in problem for problem in problems), problems


def test_kind_must_match_its_folder():
    _values, problems = validate_front_matter(with_(kind="page"), "guide", TODAY)
    assert any("does not belong in this folder" in p for p in problems)


def test_pages_do_not_need_guide_fields():
    meta = {"title": "关于", "summary": "说明。", "kind": "page", "updated": "2026-11-01", "reviewed": "2026-11-01"}
    assert validate_front_matter(meta, "page", TODAY)[1] == []


def test_front_matter_that_is_not_a_mapping():
    assert validate_front_matter(["a"], "guide", TODAY)[1] == ["front matter must be a YAML mapping"]


@pytest.mark.parametrize("text", ["2026-1-05", "2026-02-29", "20260105", "", "2026-01-05T00:00"])
def test_parse_date_is_strict(text):
    with pytest.raises(ValueError):
        parse_date(text)
