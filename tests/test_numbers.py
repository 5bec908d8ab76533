"""The numbers a page states agree between its Chinese and English texts (issue 15, point 4)."""

from decimal import Decimal

import pytest

from portal.content.numbers import chinese_numeral, mismatches, numbers_in


@pytest.mark.parametrize(("numeral", "value"), [
    ("三", 3), ("十", 10), ("十四", 14), ("二十", 20), ("三十三", 33), ("一百二十", 120),
    ("五千二百", 5200), ("二〇二六", 2026), ("三亿", 300_000_000), ("两", 2),
])
def test_chinese_numerals(numeral, value):
    assert chinese_numeral(numeral) == value


@pytest.mark.parametrize(("text", "lang", "values"), [
    ("《商标法》第三十三条", "zh", {33}),
    ("Trademark Law, Article 33", "en", {33}),
    ("自2026年7月1日起", "zh", {2026, 7, 1}),
    ("from 1 July 2026", "en", {1, 7, 2026}),
    ("on March 10, 2026", "en", {3, 10, 2026}),
    ("异议期三个月", "zh", {3}),
    ("an opposition period of three months", "en", {3}),
    ("质押融资3亿元", "zh", {300_000_000}),
    ("RMB 300 million of pledges", "en", {300_000_000}),
    ("5,200件", "zh", {5200}),
    ("80 % of GI marks, 2.5 days", "en", {80, Decimal("2.5")}),
    ("五六年级，两三件", "zh", {5, 6, 2, 3}),
    ("grades 5 and 6, two or three packages", "en", {5, 6, 2, 3}),
    ("《衡水市“十四五”知识产权规划》", "zh", {14, 5}),
    ("Hengshui's 14th Five-Year IP plan", "en", {14, 5}),
    ("情景一：小林下载了一首歌", "zh", {1}),
    ("实施方案（第五部分（二）（四））", "zh", {5, 2, 4}),
    ("the plan (Part 5, sections (2) and (4))", "en", {5, 2, 4}),
    ("Scenario 1: Xiao Lin downloads a song", "en", {1}),
    ("1. 准备材料\n二、发现商标被抢注", "zh", set()),  # enumerators of lists and headings
    ("1. Prepare the papers\n2. If your mark is squatted", "en", set()),
])
def test_values_a_text_states(text, lang, values):
    assert numbers_in(text, lang) == values


@pytest.mark.parametrize("text", [
    "一家河北企业", "马德里一份申请", "委托第三方机构", "几十上百个网店", "零件结构", "这一天前后",
])
def test_words_that_are_not_numbers(text):
    assert numbers_in(text, "zh") == set()


class FakePage:
    def __init__(self, lang, text, title="", summary="", changes=()):
        self.lang, self.text, self.title, self.summary, self.changes = lang, text, title, summary, changes


def test_a_different_period_is_a_mismatch():
    zh = FakePage("zh", "初步审定公告之日起两个月内可以提出异议（第三十三条）。")
    en = FakePage("en", "An opposition may be filed within 3 months of publication (Article 33).")
    assert mismatches(zh, en) == ([2], [3])


def test_a_different_date_in_the_summary_is_a_mismatch():
    zh = FakePage("zh", "", summary="报告于2023年11月27日发布。")
    en = FakePage("en", "", summary="The report came out on 1 December 2023.")
    assert mismatches(zh, en) == ([11, 27], [1, 12])


def test_every_page_states_the_same_numbers_in_both_languages(catalog):
    pages = {}
    for page in catalog:
        pages.setdefault(page.key, {})[page.lang] = page
    differences = {}
    for key, both in sorted(pages.items()):
        only_zh, only_en = mismatches(both["zh"], both["en"])
        if only_zh or only_en:
            differences["/".join(key)] = {"only in zh": only_zh, "only in en": only_en}
    assert differences == {}
