"""A small zh↔en glossary: the words people type and the words the guides use.

Each group holds phrases that mean the same thing in either language. A query containing one
phrase of a group also looks for the others (at full weight for a specific concept, lower for a
broad hint; a group counts once, by its best phrase), so "trademark squatting"
finds 商标抢注, "GI" finds 地理标志 and geographical indication, and a Chinese query can be
offered English pages when no Chinese page matches. Adding a group needs no index rebuild.
"""

import re

CONCEPT = 1.0  # the group names one specific thing: its phrases count as much as typed words
HINT = 0.35    # a broad word that only hints at a subject

GROUPS = (
    (CONCEPT, ("trademark squatting", "squatting", "bad-faith registration", "bad faith registration",
               "registered our trademark", "registered our brand", "商标抢注", "抢注", "恶意注册")),
    (CONCEPT, ("geographical indication", "gi", "地理标志")),
    (CONCEPT, ("pledge financing", "patent loan", "ip loan", "borrow against a patent", "质押融资", "质押贷款",
               "专利贷款")),
    (CONCEPT, ("patent pledge", "专利权质押")),
    (CONCEPT, ("software copyright", "software registration", "软件著作权", "软著")),
    (CONCEPT, ("copyright registration", "register a work", "作品登记", "著作权登记", "版权登记")),
    (CONCEPT, ("section 337", "337 investigation", "itc", "337调查")),
    (CONCEPT, ("administrative ruling", "行政裁决")),
    (CONCEPT, ("trade fair", "exhibition", "展会", "展览会")),
    (HINT, ("copyright", "著作权", "版权")),
    (HINT, ("rights protection", "infringement", "infringing", "counterfeit", "copying", "维权", "侵权", "假冒")),
    (HINT, ("customs", "seizure", "海关", "扣留")),
    (HINT, ("overseas", "abroad", "export", "exporter", "foreign", "海外", "境外", "出口")),
    (HINT, ("trademark", "brand", "商标", "品牌")),
    (HINT, ("patent", "专利")),
    (HINT, ("pledge", "质押")),
    (HINT, ("mediation", "调解")),
    (HINT, ("arbitration", "仲裁")),
    (HINT, ("lawsuit", "litigation", "sue", "court", "诉讼", "起诉", "法院")),
    (HINT, ("renewal", "renew", "续展")),
    (HINT, ("fee", "fees", "cost", "costs", "how much", "费用", "收费", "官费", "多少钱")),
    (HINT, ("how long", "time limit", "deadline", "多久", "多长时间", "几天", "时限", "期限")),
)


def _key(text):
    return " ".join(text.lower().split())


_PHRASE_GROUP = {_key(phrase): number for number, (_weight, group) in enumerate(GROUPS) for phrase in group}


def _occurrences(text, phrase):
    """(start, end) of each occurrence of phrase in text; Latin phrases only as whole words."""
    if phrase.isascii():
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])")
        return [match.span() for match in pattern.finditer(text)]
    spans, start = [], text.find(phrase)
    while start != -1:
        spans.append((start, start + len(phrase)))
        start = text.find(phrase, start + 1)
    return spans


def matched_phrases(query):
    """Glossary phrases found in the query, leftmost-longest and not overlapping, so that
    软件著作权登记 is software copyright (软件著作权) and not also 著作权登记."""
    text = _key(query)
    candidates = [(start, end, phrase) for phrase in _PHRASE_GROUP for start, end in _occurrences(text, phrase)]
    taken, chosen = [], []
    for start, end, phrase in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            chosen.append(phrase)
    return chosen


def related_groups(query):
    """[(weight, phrases)] for each glossary group the query touches: the group's phrases that
    the query does not itself contain."""
    found = matched_phrases(query)
    numbers = sorted({_PHRASE_GROUP[phrase] for phrase in found})
    groups = []
    for number in numbers:
        weight, group = GROUPS[number]
        others = tuple(_key(p) for p in group if _key(p) not in found)
        if others:
            groups.append((weight, others))
    return groups


def related_phrases(query):
    """Every phrase the glossary relates to the query."""
    return sorted({phrase for _weight, phrases in related_groups(query) for phrase in phrases})
