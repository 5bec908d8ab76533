"""One voice in Chinese: full-width punctuation after Chinese characters, and 您 for the reader.

`flask content check` reports every half-width , ; : ? ! ( ) that touches a Chinese character
in a Chinese page's title, summary or text (URLs are not part of the text), and every 你 outside
quoted speech (“…”), where a teacher may put a question to students in their own words.
"""

import re

from portal.content.problems import Problem

_IDEOGRAPHS = "\u3400-\u9fff"
_CJK = _IDEOGRAPHS + "\u3000-\u303f\uff00-\uffef“”‘’"
# , ; : ? ! next to any Chinese character or mark; ( ) next to a Chinese character (not a mark),
# so that a foreign citation such as 19 U.S.C. 1337(d)(2) may stand inside full-width brackets.
_HALF_WIDTH = re.compile(
    rf"(?<=[{_CJK}])[,;:?!]|[,;:?!](?=[{_CJK}])|(?<=[{_IDEOGRAPHS}])[()]|[()](?=[{_IDEOGRAPHS}])"
    rf"|(?<=[{_CJK}])\s+[,;:?!]")
_QUOTED = re.compile(r"“[^”]*”")
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def halfwidth_marks(text):
    """(position, mark, context) of each half-width mark that touches a Chinese character."""
    for match in _HALF_WIDTH.finditer(text):
        mark = match.group().strip()
        yield match.start(), mark, text[max(0, match.start() - 8):match.end() + 8].replace("\n", " ")


def informal_you(text):
    """Context of each 你 the reader is addressed with (not inside “quoted speech”)."""
    unquoted = _QUOTED.sub(lambda m: "“" + "＿" * (len(m.group()) - 2) + "”", text)
    for match in re.finditer("你", unquoted):
        yield text[max(0, match.start() - 8):match.end() + 8].replace("\n", " ")


def voice_problems(page):
    if page.lang != "zh":
        return
    for field, text in (("title", page.title), ("summary", page.summary), ("text", page.text)):
        for _position, mark, context in halfwidth_marks(text):
            yield Problem("half-width", page.path, mark=repr(mark), field=field, full=repr(FULL_WIDTH[mark]),
                          context=context)
        for context in informal_you(text):
            yield Problem("informal-you", page.path, field=field, context=context)
