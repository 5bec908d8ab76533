"""The front-matter schema, declared once.

The loader validates with it, `flask content check` reports with it, content/README.md
documents it, and the templates label topics and audiences from it.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.content.event_facts import parse_event
from portal.vocab import AUDIENCES, INDUSTRIES, REGIONS, REQUEST_TYPES, RISK_TYPES, SEVERITIES, TOPICS

# Folder under content/ -> the one kind of page it holds.
SECTIONS = {"guides": "guide", "pages": "page", "alerts": "alert", "education": "material", "events": "event"}

# Every guide answers the same questions under the same headings, in this order.
GUIDE_SECTIONS = {
    "zh": ("适用对象", "办理条件", "办理地点和方式", "申请材料", "办理步骤", "办理时限",
           "费用", "法律依据", "进度查询", "本地求助", "常见错误", "常见问题"),
    "en": ("Who this is for", "Conditions", "Where and how to apply", "Materials to prepare",
           "Steps", "Time limits", "Fees", "Legal basis", "Checking progress", "Local help",
           "Common mistakes", "FAQ"),
}

# Every alert says what happened, who is affected and what to do, under these headings.
ALERT_SECTIONS = {
    "zh": ("事件概要", "影响对象", "应对建议"),
    "en": ("What happened", "Who is affected", "What to do"),
}

SUMMARY_MAX = 300  # an English sentence needs about twice the characters of its Chinese twin

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    checked: date
    role: str | None = None  # one of SOURCE_ROLES; required on alerts and for a site's home page
    event_date: date | None = None  # the date of the event as this source states it (alerts)


# What a source is to the page that cites it. A rule is cited by its own document, never by a
# site's home page: a bare home page is accepted only as a `tool` (a search system, a register).
# An alert's `date` must be an `event_date` stated by a `primary` or `report` source, so that an
# article's publication day can no longer pass for the day something happened.
SOURCE_ROLES = {
    "primary": "the document itself: the law, measure, notice, order, decision, official report",
    "report": "a named reliable report of the event (a court or agency press release, a news report)",
    "commentary": "an article about it (a law firm's note); never dates an alert",
    "tool": "a search system or register the reader uses; the only role a home page may have",
}
SOURCE_KEYS = {"title", "url", "checked"}
SOURCE_OPTIONAL_KEYS = {"role", "event_date"}


def parse_date(value):
    """A strict YYYY-MM-DD date; YAML's own timestamp guessing is switched off in the loader."""
    text = str(value).strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not a date in YYYY-MM-DD form")
    return date.fromisoformat(text)  # raises ValueError on 2026-02-30


def _text(value, limit=None):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    if limit and len(value.strip()) > limit:
        raise ValueError(f"must be at most {limit} characters (has {len(value.strip())})")
    return value.strip()


def _ids(allowed):
    def parse(value):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise ValueError("must be a non-empty list")
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise ValueError(f"unknown {unknown}; allowed: {', '.join(allowed)}")
        return tuple(items)
    return parse


def _choice(allowed):
    def parse(value):
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value
    return parse


def _order(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number ≥ 0")
    return value


def is_home_page(url):
    """True for a site's front page (nothing after the host but '/', an index file or a language)."""
    path = re.sub(r"^https?://[^/]+", "", url.split("#", 1)[0], flags=re.IGNORECASE).split("?", 1)[0]
    return re.fullmatch(r"/?(([a-z]+/)?index\.html?|(en|zh|zh-cn)/?)?", path, re.IGNORECASE) is not None


def _sources(value):
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of {title, url, checked}")
    sources = []
    for number, item in enumerate(value, 1):
        if (not isinstance(item, dict) or not SOURCE_KEYS <= set(item)
                or set(item) - SOURCE_KEYS - SOURCE_OPTIONAL_KEYS):
            raise ValueError(f"item {number} must have title, url and checked (and may have role, event_date)")
        url = str(item["url"]).strip()
        if not _URL.match(url):
            raise ValueError(f"item {number}: {url!r} is not an http(s) URL")
        try:
            checked = parse_date(item["checked"])
        except ValueError as error:
            raise ValueError(f"item {number}: checked {error}") from None
        try:
            event_date = parse_date(item["event_date"]) if item.get("event_date") else None
        except ValueError as error:
            raise ValueError(f"item {number}: event_date {error}") from None
        role = item.get("role")
        if role is not None and role not in SOURCE_ROLES:
            raise ValueError(f"item {number}: role {role!r} is not one of: {', '.join(SOURCE_ROLES)}")
        if is_home_page(url) and role != "tool":
            raise ValueError(f"item {number}: {url} is a site's home page; cite the document itself "
                             "(a home page is allowed only with role: tool, for a search system)")
        sources.append(Source(_text(item["title"]), url, checked, role, event_date))
    return tuple(sources)


@dataclass(frozen=True)
class LawChange:
    """'From `effective`, this changes': the page states both regimes, the one in force first."""
    effective: date
    law: str  # the law or document that changes, as the page cites it
    url: str  # where its text (or, until it is published, the best report of it) is
    before: str  # Markdown: what applies until the day before `effective`
    after: str  # Markdown: what applies from `effective` on
    before_html: str = ""  # filled in once at load time (catalog), never per request
    after_html: str = ""

    def in_force(self, today):
        return today >= self.effective


CHANGE_KEYS = ("effective", "law", "url", "before", "after")


def _changes(value):
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of {effective, law, url, before, after}")
    changes = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != set(CHANGE_KEYS):
            raise ValueError(f"item {number} must have exactly {', '.join(CHANGE_KEYS)}")
        try:
            effective = parse_date(item["effective"])
            law, before, after = (_text(item[key]) for key in ("law", "before", "after"))
        except ValueError as error:
            raise ValueError(f"item {number}: {error}") from None
        url = str(item["url"]).strip()
        if not _URL.match(url):
            raise ValueError(f"item {number}: {url!r} is not an http(s) URL")
        changes.append(LawChange(effective, law, url, before, after))
    return tuple(sorted(changes, key=lambda change: change.effective))


@dataclass(frozen=True)
class Field:
    name: str
    parse: object
    required_for: tuple  # kinds that must have it; others may
    default: object = None


# --- Education materials (content/education/, served at /<lang>/education/<slug>) -------------
# Teachers look for material by school level and by what kind of material it is; the hub's
# filters, the checker and content/README.md all read these lists.

LEVELS = {
    "primary": _l("Primary school"),
    "junior": _l("Junior secondary"),
    "senior": _l("Senior secondary"),
    "vocational": _l("Vocational school"),
    "university": _l("University"),
}

MATERIAL_KINDS = {
    "lesson-plan": _l("Lesson plan"),
    "activity": _l("Activity"),
    "quiz": _l("Quiz"),
    "reading": _l("Reading"),
}

# School subjects a material fits into, so a teacher sees where it can be used in the timetable.
SUBJECTS = {
    "morality-law": _l("Morality and law"),
    "chinese": _l("Chinese"),
    "art": _l("Art"),
    "science": _l("Science"),
    "information-technology": _l("Information technology"),
    "general-technology": _l("General technology"),
    "class-meeting": _l("Class meeting"),
    "vocational-skills": _l("Vocational skills"),
    "research-methods": _l("Research methods"),
    "law": _l("Law"),
}

DURATION_MAX = 240  # minutes: anything longer is a project, not a material for one session

# The headings a material must have (checked by `flask content check`): every material states
# its objectives; a quiz also gives its answers, so a teacher never has to guess them.
MATERIAL_SECTIONS = {
    "zh": {"objectives": "学习目标", "answers": "答案与讲解"},
    "en": {"objectives": "Objectives", "answers": "Answers and explanations"},
}


def _duration(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= DURATION_MAX:
        raise ValueError(f"must be whole minutes from 1 to {DURATION_MAX}")
    return value


MATERIAL_FIELDS = (
    Field("levels", _ids(LEVELS), ("material",), ()),
    Field("material_kind", _choice(MATERIAL_KINDS), ("material",)),
    Field("duration", _duration, ("material",)),  # minutes of class time
    Field("subjects", _ids(SUBJECTS), ("material",), ()),
)
MATERIAL_SHARED_KEYS = ("levels", "material_kind", "duration", "subjects")


ALL_KINDS = tuple(SECTIONS.values())

FIELDS = (
    Field("title", _text, ALL_KINDS),
    Field("summary", lambda v: _text(v, SUMMARY_MAX), ALL_KINDS),
    Field("kind", _choice(ALL_KINDS), ALL_KINDS),
    Field("topics", _ids(TOPICS), ("guide",), ()),
    Field("audience", _ids(AUDIENCES), ("guide",), ()),
    Field("request_type", _choice(REQUEST_TYPES), ("guide",)),
    Field("order", _order, (), 100),
    Field("updated", parse_date, ALL_KINDS),
    Field("reviewed", parse_date, ALL_KINDS),
    Field("sources", _sources, ("guide", "alert", "material"), ()),
    # Dated law changes the page depends on: both regimes are shown, the one in force first.
    Field("changes", _changes, (), ()),
    # Alerts: the day the event happened or the rule was published or took effect (lists sort by it)
    Field("date", parse_date, ("alert",)),
    Field("regions", _ids(REGIONS), ("alert",), ()),
    Field("industries", _ids(INDUSTRIES), ("alert",), ()),
    Field("risk", _choice(RISK_TYPES), ("alert",)),
    Field("severity", _choice(SEVERITIES), ("alert",)),
    *MATERIAL_FIELDS,
    # Events (content/events/, portal/content/event_facts.py): times, capacity, registration, questions.
    Field("event", parse_event, ("event",)),
)
# Keys whose values both languages of one page must share.
SHARED_KEYS = ("kind", "topics", "audience", "request_type", "order", "date", "regions", "industries", "risk",
               "severity", *MATERIAL_SHARED_KEYS)
FIELD_NAMES = tuple(field.name for field in FIELDS)


def validate_front_matter(meta, expected_kind, today):
    """Return (values, problems): values has every field, problems are readable sentences."""
    problems = []
    if not isinstance(meta, dict):
        return {}, ["front matter must be a YAML mapping"]
    unknown = sorted(set(meta) - set(FIELD_NAMES))
    if unknown:
        problems.append(f"unknown front-matter keys {unknown}; allowed: {', '.join(FIELD_NAMES)}")
    values = {}
    for field in FIELDS:
        if field.name not in meta or meta[field.name] in (None, ""):
            if expected_kind in field.required_for:
                problems.append(f"{field.name}: missing (required for {expected_kind})")
            values[field.name] = field.default
            continue
        try:
            values[field.name] = field.parse(meta[field.name])
        except ValueError as error:
            problems.append(f"{field.name}: {error}")
            values[field.name] = field.default
    if values.get("kind") and values["kind"] != expected_kind:
        problems.append(f"kind: {values['kind']!r} does not belong in this folder (expected {expected_kind!r})")
    updated, reviewed = values.get("updated"), values.get("reviewed")
    for name in ("updated", "reviewed", "date"):
        if values.get(name) and values[name] > today:
            problems.append(f"{name}: {values[name]} is in the future")
    if updated and reviewed and reviewed < updated:
        problems.append(f"reviewed ({reviewed}) is before updated ({updated})")
    for source in values.get("sources") or ():
        if source.checked > today:
            problems.append(f"sources: checked date {source.checked} is in the future")
        if source.event_date and source.event_date > source.checked:
            problems.append(f"sources: event_date {source.event_date} is after the day it was read")
    if expected_kind == "alert":
        problems.extend(_alert_date_problems(values))
    return values, problems


def _alert_date_problems(values):
    """An alert is dated by its event: a primary or report source must state that date."""
    sources, event = values.get("sources") or (), values.get("date")
    unroled = [number for number, source in enumerate(sources, 1) if source.role is None]
    if unroled:
        yield f"sources: items {unroled} need a role (alerts: {', '.join(SOURCE_ROLES)})"
    if not event or not sources:
        return
    stated = {source.event_date for source in sources if source.role in ("primary", "report")}
    if event not in stated:
        by_commentary = any(s.event_date == event for s in sources if s.role == "commentary")
        why = " (only a commentary gives it: an article's date is not the event's)" if by_commentary else ""
        yield (f"date: {event} is not the event_date of any primary or report source{why}; "
               "date the alert by the event its sources state")
