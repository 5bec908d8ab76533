"""The events as calendars (RFC 5545, written with the `icalendar` package) that calendar
programs import: one file per event and one for all. Times carry their zone (Asia/Shanghai,
with its VTIMEZONE), so a calendar abroad shows the right hour; UIDs are stable per event and
language, so a calendar that imports the file again updates the entry instead of adding one."""

from datetime import UTC, datetime

from icalendar import Calendar, Event, vText

from portal.content.event_facts import EVENT_KINDS
from portal.vocab import COUNTIES

PRODUCT = "-//Hengshui IP Service Portal//Events//ZH"


def _location(page):
    facts = page.event
    parts = [facts.place] if facts.place else []
    if facts.county:
        parts.append(str(COUNTIES[facts.county]))
    if facts.online:
        parts.append("Online" if page.lang == "en" else "线上")
    return ", ".join(parts)


def calendar(pages, site_url, name, host):
    """The iCalendar bytes of `pages` (event pages of one language)."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for page in pages:
        facts, url = page.event, f"{site_url}/{page.lang}/events/{page.slug}"
        entry = Event()
        entry.add("uid", f"{page.slug}.{page.lang}@{host}")
        entry.add("dtstamp", datetime.combine(page.updated, datetime.min.time(), tzinfo=UTC))
        entry.add("dtstart", facts.starts)
        entry.add("dtend", facts.ends)
        entry.add("summary", page.title)
        entry.add("description", f"{page.summary}\n\n{url}")
        entry.add("url", url)
        entry.add("categories", [str(EVENT_KINDS[facts.kind])])
        location = _location(page)
        if location:
            entry["location"] = vText(location)
        cal.add_component(entry)
    cal.add_missing_timezones()  # the VTIMEZONE of Asia/Shanghai that TZID refers to
    return cal.to_ical()
