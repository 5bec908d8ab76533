"""The front-matter schema, declared once.

The loader validates with it, `flask content check` reports with it, content/README.md
documents it, and the templates label topics and audiences from it.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.content import columns
from portal.content.event_facts import parse_event
from portal.content.problems import Invalid, Problem, problem_of
from portal.vocab import AUDIENCES, INDUSTRIES, REGIONS, REQUEST_TYPES, RISK_TYPES, SEVERITIES, TOPICS

# Folder under content/ -> the one kind of page it holds.
SECTIONS = {"guides": "guide", "pages": "page", "alerts": "alert", "education": "material",
            "events": "event", **columns.COLUMN_SECTIONS}

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
        raise Invalid("not-a-date", value=repr(text))
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30, 2026-13-01
        raise Invalid("no-such-day" if 1 <= int(text[5:7]) <= 12 else "no-such-month", value=text) from None


def _text(value, limit=None):
    if not isinstance(value, str) or not value.strip():
        raise Invalid("empty-text")
    if limit and len(value.strip()) > limit:
        raise Invalid("too-long", limit=limit, length=len(value.strip()))
    return value.strip()


def _ids(allowed):
    def parse(value):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise Invalid("empty-list")
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise Invalid("unknown-values", unknown=unknown, allowed=", ".join(allowed))
        return tuple(items)
    return parse


def _choice(allowed):
    def parse(value):
        if value not in allowed:
            raise Invalid("not-one-of", value=repr(value), allowed=", ".join(allowed))
        return value
    return parse


def _order(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid("not-whole-number")
    return value


def is_home_page(url):
    """True for a site's front page (nothing after the host but '/', an index file or a language)."""
    path = re.sub(r"^https?://[^/]+", "", url.split("#", 1)[0], flags=re.IGNORECASE).split("?", 1)[0]
    return re.fullmatch(r"/?(([a-z]+/)?index\.html?|(en|zh|zh-cn)/?)?", path, re.IGNORECASE) is not None


def _sources(value):
    if not isinstance(value, list) or not value:
        raise Invalid("sources-list")
    sources = []
    for number, item in enumerate(value, 1):
        if (not isinstance(item, dict) or not SOURCE_KEYS <= set(item)
                or set(item) - SOURCE_KEYS - SOURCE_OPTIONAL_KEYS):
            raise Invalid("source-keys", number=number)
        url = str(item["url"]).strip()
        if not _URL.match(url):
            raise Invalid("item", number=number, detail=Problem("not-url", value=repr(url)))
        dates = {}
        for name in ("checked", "event_date"):
            try:
                dates[name] = parse_date(item[name]) if name == "checked" or item.get(name) else None
            except ValueError as error:
                raise Invalid("item", number=number,
                              detail=Problem("named", name=name, detail=problem_of(error))) from None
        role = item.get("role")
        if role is not None and role not in SOURCE_ROLES:
            raise Invalid("item", number=number,
                          detail=Problem("role-unknown", value=repr(role), allowed=", ".join(SOURCE_ROLES)))
        if is_home_page(url) and role != "tool":
            raise Invalid("item", number=number, detail=Problem("home-page", url=url))
        try:
            title = _text(item["title"])
        except ValueError as error:
            raise Invalid("item", number=number, detail=Problem("named", name="title", detail=problem_of(error))) \
                from None
        sources.append(Source(title, url, dates["checked"], role, dates["event_date"]))
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
        raise Invalid("changes-list")
    changes = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != set(CHANGE_KEYS):
            raise Invalid("change-keys", number=number, keys=", ".join(CHANGE_KEYS))
        try:
            effective = parse_date(item["effective"])
            law, before, after = (_text(item[key]) for key in ("law", "before", "after"))
        except ValueError as error:
            raise Invalid("item", number=number, detail=problem_of(error)) from None
        url = str(item["url"]).strip()
        if not _URL.match(url):
            raise Invalid("item", number=number, detail=Problem("not-url", value=repr(url)))
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
        raise Invalid("duration", maximum=DURATION_MAX)
    return value


MATERIAL_FIELDS = (
    Field("levels", _ids(LEVELS), ("material",), ()),
    Field("material_kind", _choice(MATERIAL_KINDS), ("material",)),
    Field("duration", _duration, ("material",)),  # minutes of class time
    Field("subjects", _ids(SUBJECTS), ("material",), ()),
)
MATERIAL_SHARED_KEYS = ("levels", "material_kind", "duration", "subjects")

# --- Notices, policy files and interpretations (portal/content/columns.py) ----------------------
NOTICE, POLICY, INTERPRETATION = "notice", "policy", "interpretation"
COLUMN_FIELDS = (
    Field("notice_kind", _choice(columns.NOTICE_KINDS), (NOTICE,)),
    Field("closes", parse_date, ()),  # a call's last day for applications ("open until …")
    Field("issuer", _ids(columns.ISSUERS), (NOTICE, POLICY), ()),
    Field("doc_number", _text, ()),  # 文号, exactly as printed: 国发〔2021〕20号
    Field("effective", parse_date, ()),  # in force from (may be after `date`, the day it was issued)
    Field("period_end", parse_date, ()),  # last day of a plan's period (a Five-Year plan: 2025-12-31)
    Field("level", _choice(columns.POLICY_LEVELS), (POLICY,)),
    Field("status", _choice(columns.POLICY_STATUSES), (POLICY,)),
    Field("changed_by", lambda value: columns.parse_changed_by(value, parse_date), ()),
    Field("policy", columns.parse_slug, (INTERPRETATION,)),  # the one policy file it explains
    Field("attachments", columns.parse_attachments, (), ()),
    Field("demo", columns.parse_flag, (), False),  # a demo notice (flask seed demo), never in production
)
# Which kinds may carry each column field (the edit form shows a field only for these).
COLUMN_FIELD_KINDS = {
    "notice_kind": (NOTICE,), "closes": (NOTICE,), "issuer": (NOTICE, POLICY), "doc_number": (NOTICE, POLICY),
    "effective": (POLICY,), "period_end": (POLICY,), "level": (POLICY,), "status": (POLICY,),
    "changed_by": (POLICY,), "policy": (INTERPRETATION,), "attachments": (NOTICE, POLICY), "demo": (NOTICE,),
}
COLUMN_SHARED_KEYS = ("notice_kind", "closes", "issuer", "doc_number", "effective", "period_end", "level",
                      "status", "policy", "attachments", "demo")


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
    Field("sources", _sources, ("guide", "alert", "material", POLICY, INTERPRETATION), ()),
    # Dated law changes the page depends on: both regimes are shown, the one in force first.
    Field("changes", _changes, (), ()),
    # Alerts: the day the event happened or the rule was published or took effect (lists sort by it)
    # Notices: the day published; policies: the day issued (成文日期); interpretations: the day written.
    Field("date", parse_date, ("alert", NOTICE, INTERPRETATION)),
    Field("regions", _ids(REGIONS), ("alert",), ()),
    Field("industries", _ids(INDUSTRIES), ("alert",), ()),
    Field("risk", _choice(RISK_TYPES), ("alert",)),
    Field("severity", _choice(SEVERITIES), ("alert",)),
    *MATERIAL_FIELDS,
    # Events (content/events/, portal/content/event_facts.py): times, capacity, registration, questions.
    Field("event", parse_event, ("event",)),
    *COLUMN_FIELDS,
)
# Keys whose values both languages of one page must share.
SHARED_KEYS = ("kind", "topics", "audience", "request_type", "order", "date", "regions", "industries", "risk",
               "severity", *MATERIAL_SHARED_KEYS, *COLUMN_SHARED_KEYS)
FIELD_NAMES = tuple(field.name for field in FIELDS)


def validate_front_matter(meta, expected_kind, today):
    """Return (values, problems): values has every field, problems are Problems (portal/content/
    problems.py: each its English sentence, with a code and parameters for the editor's language)."""
    problems = []
    if not isinstance(meta, dict):
        return {}, [Problem("not-mapping")]
    unknown = sorted(set(meta) - set(FIELD_NAMES))
    if unknown:
        problems.append(Problem("unknown-keys", keys=unknown, allowed=", ".join(FIELD_NAMES)))
    values = {}
    for field in FIELDS:
        if field.name not in meta or meta[field.name] in (None, ""):
            if expected_kind in field.required_for:
                problems.append(Problem("field-missing", field=field.name, kind=expected_kind))
            values[field.name] = field.default
            continue
        try:
            values[field.name] = field.parse(meta[field.name])
        except ValueError as error:
            problems.append(Problem("field-invalid", field=field.name, detail=problem_of(error)))
            values[field.name] = field.default
    if values.get("kind") and values["kind"] != expected_kind:
        problems.append(Problem("wrong-kind", kind=repr(values["kind"]), expected=repr(expected_kind)))
    updated, reviewed = values.get("updated"), values.get("reviewed")
    for name in ("updated", "reviewed", "date"):
        if values.get(name) and values[name] > today:
            problems.append(Problem("in-future", field=name, date=values[name]))
    if updated and reviewed and reviewed < updated:
        problems.append(Problem("reviewed-before-updated", reviewed=reviewed, updated=updated))
    for source in values.get("sources") or ():
        if source.checked > today:
            problems.append(Problem("source-checked-future", date=source.checked))
        if source.event_date and source.event_date > source.checked:
            problems.append(Problem("source-event-after-checked", date=source.event_date))
    if expected_kind == "alert":
        problems.extend(_alert_date_problems(values))
    if expected_kind in columns.COLUMN_KINDS or values.get("demo"):
        problems.extend(columns.page_problems(expected_kind, values, today))
    return values, problems


def _alert_date_problems(values):
    """An alert is dated by its event: a primary or report source must state that date."""
    sources, event = values.get("sources") or (), values.get("date")
    unroled = [number for number, source in enumerate(sources, 1) if source.role is None]
    if unroled:
        yield Problem("sources-need-role", items=unroled, roles=", ".join(SOURCE_ROLES))
    if not event or not sources:
        return
    stated = {source.event_date for source in sources if source.role in ("primary", "report")}
    if event not in stated:
        by_commentary = any(s.event_date == event for s in sources if s.role == "commentary")
        yield Problem("alert-date-commentary" if by_commentary else "alert-date-unstated", date=event)
