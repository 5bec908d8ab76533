"""School grades and class times, as teachers look for materials ("五年级 40分钟").

A material states its levels (primary, junior, senior…) and its minutes; a teacher thinks in
grades and in the length of a lesson. Grades 1 to 6 are primary school, 7 to 9 junior and 10 to
12 senior secondary (the nine years of compulsory education, then senior secondary). A class
time keeps the materials that fit in it. Pure functions: the hub's view only reads the query.
"""

from flask_babel import lazy_gettext as _l

GRADE_LEVELS = {grade: "primary" if grade <= 6 else "junior" if grade <= 9 else "senior" for grade in range(1, 13)}
GRADES = {
    1: _l("Grade 1"), 2: _l("Grade 2"), 3: _l("Grade 3"), 4: _l("Grade 4"), 5: _l("Grade 5"), 6: _l("Grade 6"),
    7: _l("Grade 7 (junior secondary, year 1)"), 8: _l("Grade 8 (junior secondary, year 2)"),
    9: _l("Grade 9 (junior secondary, year 3)"), 10: _l("Grade 10 (senior secondary, year 1)"),
    11: _l("Grade 11 (senior secondary, year 2)"), 12: _l("Grade 12 (senior secondary, year 3)"),
}
# The class times offered: a short slot, a primary lesson (40), a secondary lesson (45), a double lesson.
CLASS_TIMES = {20: _l("Up to 20 minutes"), 40: _l("Up to 40 minutes (one primary lesson)"),
               45: _l("Up to 45 minutes (one secondary lesson)"), 90: _l("Up to 90 minutes (two lessons)")}


def choice(args, name, allowed):
    """(the chosen whole number or None, the raw value if it was not one of `allowed`)."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None, None
    if raw.isascii() and raw.isdigit() and int(raw) in allowed:
        return int(raw), None
    return None, raw[:40]


def fits(material, grade=None, minutes=None):
    """True when the material is for the grade's level and takes no longer than `minutes`."""
    return ((grade is None or GRADE_LEVELS[grade] in material.levels)
            and (minutes is None or material.duration <= minutes))
