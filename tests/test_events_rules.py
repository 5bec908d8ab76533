"""The registration rules as tables (portal/events/rules.py) and the event front matter's checks
(portal/content/event_facts.py): pure, no app."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.content.event_facts import parse_event
from portal.events import rules
from tests.events_helpers import event_facts

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
OPEN = parse_event(event_facts(NOW))  # capacity 2, opened yesterday, closes in 5 days, starts in 6
SLOTS = parse_event(event_facts(NOW, capacity=None, kind="school-activity", slots=[
    {"starts": "2026-12-08 09:00", "ends": "2026-12-08 09:45"},
    {"starts": "2026-12-08 14:00", "ends": "2026-12-08 14:45"}], starts="2026-12-08 09:00",
    ends="2026-12-08 15:00"))

H = timedelta(hours=1)


@pytest.mark.parametrize(("facts", "at", "confirmed", "existing", "slot", "taken", "expected"), [
    (OPEN, NOW, 0, None, None, (), "confirmed"),
    (OPEN, NOW, 1, None, None, (), "confirmed"),            # the last place
    (OPEN, NOW, 2, None, None, (), "waiting"),              # full: the waiting list
    (OPEN, NOW, 5, None, None, (), "waiting"),
    (OPEN, OPEN.opens - H, 0, None, None, (), "not-open"),  # before the window
    (OPEN, OPEN.opens, 0, None, None, (), "confirmed"),     # the window's first minute
    (OPEN, OPEN.closes, 0, None, None, (), "closed"),       # closes at the time given
    (OPEN, OPEN.closes - H, 0, None, None, (), "confirmed"),
    (OPEN, OPEN.starts + H, 0, None, None, (), "closed"),
    (OPEN, NOW, 0, "confirmed", None, (), "duplicate"),     # one registration per event and contact
    (OPEN, NOW, 2, "waiting", None, (), "duplicate"),
    (OPEN, NOW, 0, "cancelled", None, (), "confirmed"),     # cancelled, then registered again
    (OPEN, OPEN.closes, 0, "confirmed", None, (), "closed"),  # the window first
    (SLOTS, NOW, 0, None, 0, (), "confirmed"),
    (SLOTS, NOW, 1, None, 0, {0}, "slot-taken"),            # one school per slot
    (SLOTS, NOW, 1, None, 1, {0}, "confirmed"),
    (SLOTS, NOW, 2, None, 1, {0, 1}, "slot-taken"),          # no waiting list for slots
    (SLOTS, NOW, 0, None, None, (), "no-slot"),
    (SLOTS, NOW, 0, None, 7, (), "no-slot"),
])
def test_who_gets_a_place(facts, at, confirmed, existing, slot, taken, expected):
    assert rules.decide(facts, at, confirmed, existing, slot, frozenset(taken)) == expected


@pytest.mark.parametrize(("confirmed", "waiting", "at", "expected"), [
    (1, [5, 3, 4], NOW, [3]),          # one place free: the earliest on the list
    (0, [5, 3, 4], NOW, [3, 4]),       # two free places: the first two, in order
    (2, [3], NOW, []),                 # nothing free
    (1, [], NOW, []),
    (0, [9], OPEN.starts, []),         # once the event has started nobody moves up
    (0, [9], OPEN.closes + H, [9]),    # after registration closed, before the start: still moves
])
def test_the_waiting_list_moves_in_order(confirmed, waiting, at, expected):
    assert rules.to_promote(OPEN, at, confirmed, waiting) == expected


def test_the_reminder_is_due_from_the_beijing_day_before_until_the_start():
    facts = parse_event(event_facts(NOW, starts="2026-12-10 09:00", ends="2026-12-10 11:00",
                                    registration_closes="2026-12-09 17:00"))
    day_before_beijing = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # 2026-12-09 00:00 Beijing
    assert not rules.reminder_due(facts, day_before_beijing - timedelta(minutes=1))
    assert rules.reminder_due(facts, day_before_beijing)
    assert rules.reminder_due(facts, facts.starts - timedelta(minutes=1))
    assert not rules.reminder_due(facts, facts.starts)


@pytest.mark.parametrize(("status", "rated", "at", "expected"), [
    ("confirmed", False, OPEN.ends, "yes"),
    ("confirmed", False, OPEN.ends - H, "not-yet"),
    ("confirmed", True, OPEN.ends + H, "rated"),
    ("waiting", False, OPEN.ends + H, "no-place"),
    ("cancelled", False, OPEN.ends + H, "no-place"),
])
def test_who_may_rate(status, rated, at, expected):
    assert rules.may_rate(OPEN, status, rated, at) == expected


@pytest.mark.parametrize(("change", "message"), [
    ({"kind": "party"}, "kind"),
    ({"starts": "2026-12-07"}, "starts"),
    ({"starts": "2026-02-30 09:00"}, "not a real date"),
    ({"ends": "2026-11-01 09:00"}, "ends must be after starts"),
    ({"registration_closes": "2026-11-01 09:00"}, "registration_closes must be after"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": "twenty"}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"place": "", "online": False}, "give a place"),
    ({"online": "yes"}, "online must be true or false"),
    ({"county": "beijing"}, "county"),
    ({"organiser": ""}, "organiser"),
    ({"questions": [{"id": "x"}]}, "must have id and label"),
    ({"questions": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}, "unique"),
    ({"questions": [{"id": "a", "label": "A", "type": "date"}]}, "type"),
    ({"questions": [{"id": "a", "label": "A", "type": "choice", "choices": ["only"]}]}, "two choices"),
    ({"slots": [{"starts": "2026-12-08 10:00", "ends": "2026-12-08 09:00"}], "capacity": None}, "ends must be after"),
    ({"slots": [{"starts": "2026-12-08 10:00", "ends": "2026-12-08 11:00"}], "capacity": 5}, "leave capacity out"),
    ({"colour": "red"}, "unknown keys"),
])
def test_bad_event_front_matter_is_refused_with_a_reason(change, message):
    with pytest.raises(ValueError, match=message):
        parse_event({key: value for key, value in event_facts(NOW, **change).items()})


def test_times_are_beijing_time():
    facts = parse_event(event_facts(NOW, starts="2027-01-15 09:00", ends="2027-01-15 11:30",
                                    registration_closes="2027-01-14 17:00"))
    assert facts.starts.utcoffset() == timedelta(hours=8)
    assert facts.starts.astimezone(UTC) == datetime(2027, 1, 15, 1, 0, tzinfo=UTC)


def test_both_languages_must_agree_on_the_event_but_not_on_its_words():
    from portal.content.catalog import page_from_text
    from portal.content.check import _translation_problems
    from tests.events_helpers import event_text

    def page(lang, **facts):
        found, problems = page_from_text("events", "twin", lang, event_text(lang, **facts), f"events/twin.{lang}.md",
                                         NOW.date())
        assert not problems
        return found

    same = [page("zh", place="会场"), page("en", place="The venue")]
    assert list(_translation_problems(same)) == []
    differ = [page("zh"), page("en", capacity=3)]
    assert any("capacity" in problem for problem in _translation_problems(differ))
