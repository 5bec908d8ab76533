"""The service clock: when a request's first response is due, counted in working days.

Pure functions over a calendar (no Flask, no database), so a table of dates tests them. A working
day is Monday to Friday, minus the public holidays, plus the make-up working days, all from
portal/data/holidays-cn.toml. Time runs in Beijing time: a request received on Friday evening
is due by the end of Tuesday (2 working days), not by Sunday.

The rule: the response is due at the end (24:00 Beijing time) of the Nth working day after the
day the institution received the request. Counting whole days after the day of receipt is how
Chinese administrative time limits are counted (工作日, the day of receipt not included), and it
gives a request received at 17:59 the same time as one received at 09:00.
"""

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.params import whole_number

BEIJING = ZoneInfo("Asia/Shanghai")
CALENDAR_FILE = Path(__file__).parent / "data" / "holidays-cn.toml"


class CalendarError(ValueError):
    """The holiday file is malformed."""


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset
    workdays: frozenset  # make-up working days on a weekend
    years: frozenset     # years the file covers

    def is_working_day(self, day):
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start_day, days):
        """The `days`-th working day after start_day (start_day itself not counted)."""
        day = start_day
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start, end):
        """Whole working days from the day after `start`'s day up to and including `end`'s day."""
        first, last = start.astimezone(BEIJING).date(), end.astimezone(BEIJING).date()
        return sum(1 for n in range(1, (last - first).days + 1) if self.is_working_day(first + timedelta(days=n)))

    def due_at(self, received, working_days):
        """When a response to something received at `received` (aware datetime) is due (UTC)."""
        if received.tzinfo is None:
            raise ValueError("received must be timezone-aware")
        local_day = received.astimezone(BEIJING).date()
        due_day = self.add_working_days(local_day, working_days)
        end_of_day = datetime.combine(due_day + timedelta(days=1), time(0), tzinfo=BEIJING)
        return end_of_day.astimezone(UTC)

    def missing_years(self, today):
        """Years the clock may need soon (this one and, from November, the next) that the file lacks."""
        wanted = {today.year} | ({today.year + 1} if today.month >= 11 else set())
        return sorted(wanted - self.years)


def load_calendar(path=CALENDAR_FILE):
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CalendarError(f"{path}: {error}") from error
    holidays, workdays, years = set(), set(), set()
    for year, entry in data.items():
        try:
            year_number = int(year)
            off = {date.fromisoformat(d) for d in entry["holidays"]}
            on = {date.fromisoformat(d) for d in entry["workdays"]}
        except (KeyError, TypeError, ValueError) as error:
            raise CalendarError(f"{path}: year {year}: {error}") from error
        stray = sorted(str(d) for d in off | on if d.year != year_number)
        if stray:
            raise CalendarError(f"{path}: year {year} lists dates of another year: {', '.join(stray)}")
        if off & on:
            raise CalendarError(f"{path}: year {year}: dates both off and working: {sorted(map(str, off & on))}")
        holidays |= off
        workdays |= on
        years.add(year_number)
    return Calendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def parse_sla_days(text, known_types):
    """'2' or 'default=2,rights-protection=1' -> {'default': 2, 'rights-protection': 1}."""
    days = {"default": 2}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.rpartition("=")
        key = key.strip() or "default"
        if key != "default" and key not in known_types:
            raise ValueError(f"unknown request type {key!r} in PORTAL_SLA_WORKING_DAYS")
        if whole_number(value.strip(), 1, 30) is None:
            raise ValueError(f"working days must be a whole number from 1 to 30, not {value!r}")
        days[key] = int(value)
    return days


def due_day(due_at):
    """The working day a due time closes: due times are the midnight (Beijing) that ends it."""
    return (due_at.astimezone(BEIJING) - timedelta(microseconds=1)).date()


def due_phrase(due_at, lang):
    """A due time as people say it: "12月3日（周四）下班前", "by the end of Thursday 3 December"
    (not "2026/12/4 00:00", which reads as the day after)."""
    from babel.dates import format_date  # noqa: PLC0415 (Babel's CLDR names of weekdays and months)

    day = due_day(due_at)
    if lang == "zh":
        return format_date(day, "M月d日（EEE）", locale="zh_CN") + "下班前"
    return "by the end of " + format_date(day, "EEEE d MMMM", locale="en")


def parse_local_moment(text):
    """"2026-12-03T14:30" (an HTML datetime-local value, Beijing time) as an aware UTC datetime;
    ValueError for anything else."""
    moment = datetime.strptime((text or "").strip()[:16], "%Y-%m-%dT%H:%M")
    return moment.replace(tzinfo=BEIJING).astimezone(UTC)


# The application's clock: the calendar and the per-type days, read once per process.

def init_app(app):
    from portal.vocab import REQUEST_TYPES  # noqa: PLC0415 (the pure part above needs no Flask)
    app.extensions["sla"] = (load_calendar(), parse_sla_days(app.config["SLA_WORKING_DAYS"], REQUEST_TYPES))
    app.add_template_filter(due_phrase, "due_phrase")


def due_for(request_type, received):
    """When the first response to a request of `request_type` received at `received` is due."""
    from flask import current_app  # noqa: PLC0415

    calendar, days = current_app.extensions["sla"]
    return calendar.due_at(received, days.get(request_type, days["default"]))
