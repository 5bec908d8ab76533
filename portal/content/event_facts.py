"""An event page's own front matter (`event:`), declared once: what the list, the registration
rules, the feeds and the staff pages read.

Times are typed as Beijing time (`YYYY-MM-DD HH:MM`), as the office announces them, and kept as
aware datetimes in Asia/Shanghai; calendars get them with their time zone. The place and the
questions' labels are words of the page's language; everything else must be the same in both
languages (`shared()`, compared by `flask content check`).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.sla import BEIJING
from portal.vocab import COUNTIES

EVENT_KINDS = {
    "training": _l("Training"),
    "financing-day": _l("Financing day (banks and enterprises)"),
    "school-activity": _l("School activity"),
    "webinar": _l("Webinar"),
}
QUESTION_TYPES = ("text", "number", "choice")
CAPACITY_MAX = 10_000
KEYS = {"kind", "starts", "ends", "place", "online", "county", "capacity", "registration_opens",
        "registration_closes", "organiser", "partners", "questions", "slots", "demo"}
REQUIRED_KEYS = {"kind", "starts", "ends", "registration_opens", "registration_closes", "organiser"}
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Question:
    """One of the event's own questions (a financing day asks for the financing need)."""
    id: str
    label: str
    type: str = "text"  # text (one line, up to 500 characters), number (whole, 0..100000), choice
    required: bool = False
    choices: tuple = ()  # for type choice: the labels, in the page's language


@dataclass(frozen=True)
class Slot:
    """A time a school can take for a visit (知识产权进校园): one school per slot."""
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class EventFacts:
    kind: str
    starts: datetime
    ends: datetime
    opens: datetime   # registration opens
    closes: datetime  # registration closes
    organiser: str    # the slug of the institution whose staff see the registrations
    capacity: int
    place: str = ""
    online: bool = False
    county: str | None = None
    partners: tuple = ()  # partner banks' institution slugs: they see the registrants who agreed
    questions: tuple = ()
    slots: tuple = ()
    demo: bool = False

    def shared(self):
        """What both languages of one event must agree on."""
        return (self.kind, self.starts, self.ends, self.opens, self.closes, self.organiser, self.capacity,
                self.online, self.county, self.partners, tuple((q.id, q.type, q.required, len(q.choices))
                                                               for q in self.questions), self.slots, self.demo)


def parse_time(value, name):
    text = str(value).strip()
    if not _TIME.match(text):
        raise ValueError(f"{name}: {text!r} is not a Beijing time in YYYY-MM-DD HH:MM form")
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a real date and time") from None


def _flag(value, name):
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _questions(value):
    if not isinstance(value, list):
        raise ValueError("questions must be a list of {id, label, type, required, choices}")
    questions, seen = [], set()
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict) or not {"id", "label"} <= set(item) or \
                set(item) - {"id", "label", "type", "required", "choices"}:
            raise ValueError(f"questions item {number} must have id and label (and may have type, required, choices)")
        qid, label, kind = str(item["id"]), item["label"], item.get("type", "text")
        if not _ID.match(qid) or qid in seen:
            raise ValueError(f"questions item {number}: id {qid!r} must be unique, lower case letters, digits, -")
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            raise ValueError(f"questions item {number}: label must be text of at most 200 characters")
        if kind not in QUESTION_TYPES:
            raise ValueError(f"questions item {number}: type {kind!r} is not one of {', '.join(QUESTION_TYPES)}")
        choices = item.get("choices") or []
        if kind == "choice" and (not isinstance(choices, list) or len(choices) < 2
                                 or not all(isinstance(c, str) and c.strip() for c in choices)):
            raise ValueError(f"questions item {number}: a choice question needs a list of at least two choices")
        seen.add(qid)
        questions.append(Question(qid, label.strip(), kind, _flag(item.get("required", False), "required"),
                                  tuple(c.strip() for c in choices) if kind == "choice" else ()))
    return tuple(questions)


def _slots(value):
    if not isinstance(value, list) or not value:
        raise ValueError("slots must be a non-empty list of {starts, ends}")
    slots = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"starts", "ends"}:
            raise ValueError(f"slots item {number} must have exactly starts and ends")
        slot = Slot(parse_time(item["starts"], f"slots item {number} starts"),
                    parse_time(item["ends"], f"slots item {number} ends"))
        if slot.ends <= slot.starts:
            raise ValueError(f"slots item {number}: ends must be after starts")
        slots.append(slot)
    return tuple(sorted(slots, key=lambda slot: slot.starts))


def parse_event(value):
    """EventFacts from the `event:` mapping, or ValueError naming the first problem."""
    if not isinstance(value, dict):
        raise ValueError("must be a mapping (kind, starts, ends, registration_opens, …)")
    unknown, missing = sorted(set(value) - KEYS), sorted(REQUIRED_KEYS - set(value))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; allowed: {', '.join(sorted(KEYS))}")
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if value["kind"] not in EVENT_KINDS:
        raise ValueError(f"kind {value['kind']!r} is not one of: {', '.join(EVENT_KINDS)}")
    times = {name: parse_time(value[name], name) for name in ("starts", "ends", "registration_opens",
                                                                "registration_closes")}
    if times["ends"] <= times["starts"]:
        raise ValueError("ends must be after starts")
    if times["registration_closes"] <= times["registration_opens"]:
        raise ValueError("registration_closes must be after registration_opens")
    if times["registration_closes"] > times["ends"]:
        raise ValueError("registration_closes must not be after the event ends")
    place, online = value.get("place") or "", _flag(value.get("online", False), "online")
    if not isinstance(place, str) or len(place) > 300:
        raise ValueError("place must be text of at most 300 characters")
    if not place.strip() and not online:
        raise ValueError("give a place, or online: true")
    county = value.get("county")
    if county is not None and county not in COUNTIES:
        raise ValueError(f"county {county!r} is not one of: {', '.join(COUNTIES)}")
    organiser = value["organiser"]
    partners = value.get("partners") or []
    if not isinstance(organiser, str) or not organiser.strip():
        raise ValueError("organiser must be an institution's slug")
    if not isinstance(partners, list) or not all(isinstance(p, str) and p for p in partners):
        raise ValueError("partners must be a list of institutions' slugs")
    slots = _slots(value["slots"]) if value.get("slots") is not None else ()
    capacity = len(slots) if slots and value.get("capacity") is None else value.get("capacity")
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        raise ValueError(f"capacity must be a whole number from 1 to {CAPACITY_MAX}")
    if slots and capacity != len(slots):
        raise ValueError("an event with slots takes one registration per slot: leave capacity out")
    return EventFacts(kind=value["kind"], starts=times["starts"], ends=times["ends"],
                      opens=times["registration_opens"], closes=times["registration_closes"],
                      organiser=organiser.strip(), capacity=capacity, place=place.strip(), online=online,
                      county=county, partners=tuple(partners), questions=_questions(value.get("questions") or []),
                      slots=slots, demo=_flag(value.get("demo", False), "demo"))
