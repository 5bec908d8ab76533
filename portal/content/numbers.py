"""The numbers a page states, as values, so that its Chinese and English texts can be compared.

A reader acts on dates, article numbers, periods and amounts; when the two languages of a page
disagree on one of them, one of the two is wrong. This module reduces a text to the set of
numeric values it states, in either language: Arabic numerals as they are ("5,200", "2.5"),
Chinese numerals where they count something (第三十三条, 三个月, 两个类别, 十四五), 万 and 亿
as multipliers (3亿元 = 300 million = 300,000,000), English month names in dates ("10 March
2026" = 10, 3, 2026) and English number words before a unit ("three months"). List and heading
enumerators (1. / 一、) are not values, nor are words that only look like numbers (一家企业 is
"a company", 第三方 "a third party", 零件 "parts", 几十 "dozens"). A set, not a count: a fact
repeated is one fact.
"""

import re
from decimal import Decimal, InvalidOperation

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# Units after which a Chinese numeral is a value. A bare 一 before a measure word is usually the
# article "a" (一家企业, 一份申请, 一次指定): it counts only before a period, an article or an amount.
_CN_PERIODS = ("个工作日", "工作日", "个月", "年", "月", "日", "天", "周", "小时", "分钟", "条", "款", "倍",
               "万", "亿", "元", "岁")
_CN_MEASURES = _CN_PERIODS + ("个类别", "个", "项", "章", "节", "次", "类", "件", "名", "家", "份", "成",
                              "人", "所", "届", "位", "种", "步", "页", "张", "本", "篇", "层", "级", "轮",
                              "幅", "组", "课时", "年级", "道", "题", "段")
CN_NUMBER = re.compile(rf"第([{_CN_NUMERAL}]+)|([{_CN_NUMERAL}]+)(?=({'|'.join(_CN_MEASURES)}))")
# Not values: 第三方 (a third party), 第一时间 (at once), and approximate counts (几十, 上百, 数千).
CN_NOT_NUMBERS = re.compile(r"第三方|第一时间|第一站|[这那每同]一|零件|零部件|零售|[几数上][十百千万]+|成[百千]上万")
# A numbered scenario or case (情景一 = Scenario 1), or a section cited in brackets in running
# text (第五部分（二） = Part 5(2)); brackets that open a line are list enumerators, removed before.
CN_LABELLED = re.compile(r"(?<=情景|情境|场景|案例|步骤)([一二三四五六七八九十]+)|（([一二三四五六七八九十]+)）")
# 十四五 / 十五五: the 14th / 15th Five-Year Plan (a plan number and the plan's five years).
CN_PLAN = re.compile(r"(十[四五])五")
ARABIC = re.compile(r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])")
# An Arabic number followed by a Chinese or English multiplier.
MULTIPLIED = re.compile(r"(\d+(?:\.\d+)?)\s*(million|billion|thousand)\b|(\d+(?:\.\d+)?)(万|亿)")
MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
EN_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\b|\b(" + "|".join(MONTHS)
                     + r")\s+(\d{1,2},?\s+)?(\d{4})\b", re.IGNORECASE)
EN_WORDS = {word: number for number, word in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
     "twenty"))} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100}
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
               "ninth": 9, "tenth": 10}
_EN_WORD = "|".join(EN_WORDS)
EN_UNITS = (r"(?:working\s+days?|days?|weeks?|months?|years?|classes|times|articles|chapters|steps|"
            r"companies|respondents|minutes|hours|kinds?|types?|cases|situations|circumstances|acts|"
            r"items|languages|results|lessons|periods|grounds|ways|things|marks|patents|grades|"
            r"questions|groups|examples|forms|parts|points|rights|conditions|documents|cards)")
# "three months", "four Chinese companies", "two or three options", "one to two lessons".
EN_WORD_NUMBER = re.compile(rf"\b({_EN_WORD})(?:-|\s+)(?:(?:or|to|and)\s+({_EN_WORD})\s+)?"
                            rf"(?:[\w-]+\s+){{0,2}}?{EN_UNITS}\b", re.IGNORECASE)
EN_WORD_RANGE = re.compile(rf"\b({_EN_WORD})\s+(?:or|to)\s+({_EN_WORD})\b", re.IGNORECASE)
EN_ORDINAL = re.compile(r"\b(" + "|".join(word for word in EN_ORDINALS if word != "first")
                        + r")\s+(?:phase|stage|edition|round|instance)\b", re.IGNORECASE)
# "first- and second-year students" (大学一二年级).
EN_YEAR_ORDINAL = re.compile(r"\b(first|second|third|fourth)(?:-year|-\s+and\s+(first|second|third|fourth)-year)\b",
                             re.IGNORECASE)
# "Five-Year Plan", "15th Five-Year Plan": the five is the plan's length, as 十四五's 五 is.
EN_FIVE_YEAR = re.compile(r"\bfive-year\b", re.IGNORECASE)
ENUMERATOR = {"zh": re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、]\s)",
                               re.MULTILINE),
              "en": re.compile(r"^\s*\d+\.\s", re.MULTILINE)}


def chinese_numeral(text):
    """The value of a Chinese numeral: 三十三 = 33, 二〇二六 = 2026, 十四 = 14, 三亿 = 300000000."""
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:  # digit by digit, as in 二〇二六
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in CN_BIG:
            total += (section + (digit or 0) or 1) * CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def _chinese_values(numeral):
    """A numeral's values: 两三 and 五六 are "two or three", "five and six" (both values); a run of
    four digits or one with 〇 is a year read digit by digit; anything else one number."""
    if len(numeral) in (2, 3) and all(ch in CN_DIGITS for ch in numeral) and not set(numeral) & set("〇零"):
        return {CN_DIGITS[ch] for ch in numeral}
    return {chinese_numeral(numeral)}


def _value(number):
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else value


_MULTIPLIER = {"万": 10_000, "亿": 100_000_000, "thousand": 1_000, "million": 1_000_000,
               "billion": 1_000_000_000}


def numbers_in(text, lang):
    """The set of numeric values `text` (in `lang`, "zh" or "en") states."""
    text = ENUMERATOR[lang].sub(" ", text)
    found = set()
    for match in MULTIPLIED.finditer(text):
        number, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        value = _value(number) * _MULTIPLIER[unit.lower()]
        found.add(int(value) if value == int(value) else value)
    text = MULTIPLIED.sub(" ", text)
    if lang == "zh":
        for match in CN_PLAN.finditer(text):
            found.update({chinese_numeral(match.group(1)), 5})
        text = CN_PLAN.sub(" ", text)
        text = CN_NOT_NUMBERS.sub(" ", text)
        for match in CN_LABELLED.finditer(text):
            found.add(chinese_numeral(match.group(1) or match.group(2)))
        text = CN_LABELLED.sub(" ", text)
        for match in CN_NUMBER.finditer(text):
            numeral = match.group(1) or match.group(2)
            if match.group(2) and numeral == "一" and match.group(3) not in _CN_PERIODS:
                continue
            found.update(_chinese_values(numeral))
        text = CN_NUMBER.sub(" ", text)
    else:
        for match in EN_DATE.finditer(text):
            found.add(MONTHS[(match.group(2) or match.group(3)).lower()])
        for pattern in (EN_WORD_NUMBER, EN_WORD_RANGE):
            for match in pattern.finditer(text):
                found.update(EN_WORDS[word.lower()] for word in match.groups() if word)
        for match in EN_ORDINAL.finditer(text):
            found.add(EN_ORDINALS[match.group(1).lower()])
        for match in EN_YEAR_ORDINAL.finditer(text):
            found.update(EN_ORDINALS[word.lower()] for word in match.groups() if word)
        if EN_FIVE_YEAR.search(text):
            found.add(5)
    for match in ARABIC.finditer(text):
        value = _value(match.group(1) + ("." + match.group(2) if match.group(2) else ""))
        if value is not None:
            found.add(value)
    return found


def page_numbers(page):
    """Every value the page states to a reader: title, summary, body and its dated law changes."""
    parts = [page.title, page.summary, page.text]
    for change in page.changes:
        parts += [change.before, change.after]
    return numbers_in("\n".join(parts), page.lang)


def mismatches(zh_page, en_page):
    """(values only in the Chinese page, values only in the English page), each sorted."""
    zh, en = page_numbers(zh_page), page_numbers(en_page)
    return sorted(zh - en, key=float), sorted(en - zh, key=float)
