"""Dated law changes, source roles, alert event dates, review warnings and the Chinese voice check."""

from datetime import date
from types import SimpleNamespace

import pytest

from portal.content import law_changes
from portal.content.catalog import read_all
from portal.content.punctuation import halfwidth_marks, informal_you
from portal.content.schema import is_home_page, validate_front_matter
from tests.conftest import GUIDE_BODY, front_matter

TODAY = date(2026, 12, 1)
SOURCE = {"title": "商标法", "url": "https://example.gov.cn/law/1.html", "checked": "2026-11-30"}
CHANGE = {"effective": "2027-01-01", "law": "商标法（2026年修订）", "url": "https://example.gov.cn/law/2.html",
          "before": "异议期3个月。", "after": "异议期待核实。"}


def guide_meta(**changes):
    meta = {"title": "T", "summary": "S", "kind": "guide", "topics": ["trademark"], "audience": ["enterprise"],
            "request_type": "trademark-gi", "updated": "2026-11-01", "reviewed": "2026-11-02",
            "sources": [SOURCE]}
    meta.update(changes)
    return meta


def alert_meta(sources, event="2026-03-01"):
    return {"title": "T", "summary": "S", "kind": "alert", "date": event, "regions": ["eu"],
            "industries": ["rubber"], "risk": "rule-change", "severity": "low", "updated": "2026-11-01",
            "reviewed": "2026-11-02", "sources": sources}


@pytest.mark.parametrize(("url", "home"), [
    ("https://flk.npc.gov.cn/", True),
    ("https://flk.npc.gov.cn", True),
    ("https://sbj.cnipa.gov.cn/sbj/index.html", True),
    ("https://www.unified-patent-court.org/en", True),
    ("https://flk.npc.gov.cn/detail2.html?abc", False),
    ("https://www.hengshui.gov.cn/art/2022/11/7/art_10442_449490.html", False),
])
def test_home_pages_are_recognised(url, home):
    assert is_home_page(url) is home


@pytest.mark.parametrize(("source", "problem"), [
    ({**SOURCE, "url": "https://flk.npc.gov.cn/"}, "is a site's home page"),
    ({**SOURCE, "role": "opinion"}, "role 'opinion' is not one of"),
    ({**SOURCE, "event_date": "2026-12-25"}, "event_date 2026-12-25 is after the day it was read"),
    ({**SOURCE, "extra": 1}, "may have role, event_date"),
])
def test_bad_sources_are_refused(source, problem):
    _values, problems = validate_front_matter(guide_meta(sources=[source]), "guide", TODAY)
    assert any(problem in p for p in problems), problems


def test_a_home_page_is_accepted_as_a_tool():
    _values, problems = validate_front_matter(
        guide_meta(sources=[{**SOURCE, "url": "https://edis.usitc.gov/", "role": "tool"}]), "guide", TODAY)
    assert problems == []


@pytest.mark.parametrize(("sources", "problem"), [
    ([{**SOURCE, "role": "primary", "event_date": "2026-03-01"}], None),
    ([{**SOURCE, "role": "report", "event_date": "2026-03-01"}], None),
    ([{**SOURCE, "role": "commentary", "event_date": "2026-03-01"}], "only a commentary gives it"),
    ([{**SOURCE, "role": "primary", "event_date": "2026-02-27"}], "is not the event_date"),
    ([{**SOURCE, "role": "primary"}], "is not the event_date"),
    ([SOURCE], "need a role"),
])
def test_an_alert_is_dated_by_the_event_its_sources_state(sources, problem):
    _values, problems = validate_front_matter(alert_meta(sources), "alert", TODAY)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("change", "problem"), [
    ({**CHANGE, "effective": "2027-02-30"}, "changes: item 1: day is out of range"),
    ({**CHANGE, "url": "ftp://x"}, "is not an http(s) URL"),
    ({key: value for key, value in CHANGE.items() if key != "after"}, "must have exactly"),
    ({**CHANGE, "before": " "}, "must be non-empty text"),
])
def test_bad_changes_are_refused(change, problem):
    _values, problems = validate_front_matter(guide_meta(changes=[change]), "guide", TODAY)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("today", "first", "until"), [
    (date(2026, 12, 31), "until", date(2026, 12, 31)),
    (date(2027, 1, 1), "from", date(2026, 12, 31)),
])
def test_the_regime_in_force_comes_first(today, first, until):
    values, problems = validate_front_matter(guide_meta(changes=[CHANGE]), "guide", TODAY)
    assert problems == []
    [change] = law_changes.render_changes(values["changes"], "zh")
    regimes = law_changes.ordered_regimes(change, today)
    assert [side for side, _day, _html in regimes][0] == first
    assert dict((side, day) for side, day, _html in regimes)["until"] == until
    assert "异议期3个月" in dict((side, html) for side, _day, html in regimes)["until"]


def test_the_clock_empties_the_page_cache_on_the_effective_day():
    days = iter([date(2026, 12, 31), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)])
    catalog = [SimpleNamespace(changes=(SimpleNamespace(effective=date(2027, 1, 1)),))]
    cache = {"/zh/guides/x": "old"}
    clock = law_changes.LawChangeClock(lambda: catalog, cache, today=lambda: next(days))
    clock.check()  # the first look at this catalog: it only learns the dates
    clock.check()
    assert cache == {"/zh/guides/x": "old"}  # still 31 December: nothing changes
    clock.check()
    assert cache == {}  # 1 January: pages rendered under the old order are gone
    cache["/zh/guides/x"] = "new"
    clock.check()
    assert cache == {"/zh/guides/x": "new"}  # the day after: kept


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 12, 1), 6, date(2026, 6, 1)),
    (date(2026, 8, 31), 6, date(2026, 2, 28)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2026, 1, 15), 13, date(2024, 12, 15)),
])
def test_months_before(day, months, expected):
    assert law_changes.months_before(day, months) == expected


def test_review_warnings(make_content):
    change = ("\n  - effective: 2026-10-01\n    law: 新法\n    url: https://example.gov.cn/2.html\n"
              "    before: 旧规则。\n    after: 新规则。")
    folder = make_content({
        "guides/old.zh.md": front_matter(updated="2026-01-05", reviewed="2026-01-06") + GUIDE_BODY["zh"],
        "guides/changed.zh.md": front_matter(updated="2026-09-01", reviewed="2026-09-02", changes=change)
        + GUIDE_BODY["zh"],
        "guides/fresh.zh.md": front_matter(updated="2026-10-02", reviewed="2026-10-03", changes=change)
        + GUIDE_BODY["zh"],
    })
    pages, problems = read_all(folder, today=TODAY)
    assert problems == []
    warnings = list(law_changes.review_warnings(pages, TODAY, 6))
    assert any("guides/old.zh.md" in w and "more than 6 months ago" in w for w in warnings)
    assert any("guides/changed.zh.md" in w and "before 新法 took effect on 2026-10-01" in w for w in warnings)
    assert not any("guides/fresh.zh.md" in w for w in warnings)
    assert list(law_changes.review_warnings(pages, date(2026, 9, 30), 12)) == []


@pytest.mark.parametrize(("text", "marks"), [
    ("欧盟知识产权局(EUIPO)发布报告,2022年扣留", ["(", ",", ")"]),
    ("报告：数据来自（COPIS）。", []),
    ("Section 337(d)(2) applies, see 19 U.S.C.", []),
    ("依据第337条（同条 (g)(2)）签发", []),
    ("时间 :下午", [":"]),
])
def test_halfwidth_marks_next_to_chinese(text, marks):
    assert sorted(mark for _pos, mark, _ctx in halfwidth_marks(text)) == sorted(marks)


@pytest.mark.parametrize(("text", "count"), [
    ("请您填写表单。", 0),
    ("你可以填写表单。", 1),
    ("老师问：“如果你在店里打工，你会怎么做？”", 0),
    ("老师问：“你好”，然后你回答。", 1),
])
def test_informal_you_outside_quoted_speech(text, count):
    assert len(list(informal_you(text))) == count
