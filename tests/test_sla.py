"""The service clock: working days across weekends, public holidays and make-up working days."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.sla import BEIJING, CalendarError, due_phrase, load_calendar, parse_local_moment, parse_sla_days

CALENDAR = load_calendar()


def beijing(*parts):
    return datetime(*parts, tzinfo=BEIJING)


@pytest.mark.parametrize(("received", "days", "due_day"), [
    (beijing(2026, 11, 23, 9, 0), 2, date(2026, 11, 25)),    # Monday -> Wednesday
    (beijing(2026, 11, 27, 17, 59), 2, date(2026, 12, 1)),  # Friday evening -> Tuesday
    (beijing(2026, 11, 28, 10, 0), 2, date(2026, 12, 1)),   # Saturday -> Tuesday
    (beijing(2026, 9, 30, 10, 0), 2, date(2026, 10, 9)),    # National Day week off, 8 Oct is Thursday
    (beijing(2026, 10, 8, 10, 0), 2, date(2026, 10, 10)),   # Saturday 10 Oct 2026 is a make-up working day
    (beijing(2026, 2, 12, 10, 0), 2, date(2026, 2, 14)),    # Saturday 14 Feb 2026 is a working day
    (beijing(2026, 2, 13, 10, 0), 2, date(2026, 2, 24)),    # then the Spring Festival (15-23 Feb)
    (beijing(2025, 1, 24, 10, 0), 1, date(2025, 1, 26)),    # Sunday 26 Jan 2025 is a working day
    (beijing(2025, 4, 30, 12, 0), 1, date(2025, 5, 6)),     # Labour Day 1-5 May 2025
    (beijing(2026, 12, 31, 12, 0), 1, date(2027, 1, 1)),    # 2027 not in the file yet: weekends only
])
def test_due_day(received, days, due_day):
    due = CALENDAR.due_at(received.astimezone(UTC), days)
    assert due.tzinfo is UTC
    local = due.astimezone(BEIJING)
    assert (local.date(), local.hour, local.minute) == (due_day + timedelta(days=1), 0, 0)  # the end of due_day


def test_received_late_in_the_evening_counts_in_beijing_time():
    # 23:30 Beijing on Friday is 15:30 UTC on Friday: still Friday for the clock.
    received = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    assert CALENDAR.due_at(received, 1).astimezone(BEIJING).date() == date(2026, 12, 1)  # end of Monday


def test_working_days_and_holidays_in_the_file():
    assert not CALENDAR.is_working_day(date(2026, 10, 1))
    assert CALENDAR.is_working_day(date(2026, 9, 20))  # a Sunday worked
    assert not CALENDAR.is_working_day(date(2026, 11, 29))  # an ordinary Sunday
    assert CALENDAR.working_days_between(beijing(2026, 9, 30, 9), beijing(2026, 10, 9, 9)) == 2


def test_missing_years_are_reported():
    assert CALENDAR.missing_years(date(2026, 6, 1)) == []
    assert CALENDAR.missing_years(date(2026, 11, 26)) == [2027]


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.due_at(datetime(2026, 1, 5, 9, 0), 2)


@pytest.mark.parametrize(("text", "problem"), [
    ('[2026]\nholidays = ["2025-01-01"]\nworkdays = []\n', "another year"),
    ('[2026]\nholidays = ["2026-01-05"]\nworkdays = ["2026-01-05"]\n', "both off and working"),
    ('[2026]\nholidays = ["not a date"]\nworkdays = []\n', "year 2026"),
    ("[2026\n", "holidays.toml"),  # a TOML error names the file
])
def test_a_malformed_calendar_names_the_problem(tmp_path, text, problem):
    path = tmp_path / "holidays.toml"
    path.write_text(text)
    with pytest.raises(CalendarError, match=problem):
        load_calendar(path)


def test_days_per_request_type():
    known = {"rights-protection", "general"}
    assert parse_sla_days("2", known) == {"default": 2}
    assert parse_sla_days("default=3, rights-protection=1", known) == {"default": 3, "rights-protection": 1}
    for bad in ("nope=1", "rights-protection=0", "general=x", "default=31"):
        with pytest.raises(ValueError):
            parse_sla_days(bad, known)


@pytest.mark.parametrize(("received", "zh", "en"), [
    (beijing(2026, 12, 1, 10, 0), "12月3日（周四）下班前", "by the end of Thursday 3 December"),
    (beijing(2026, 11, 27, 17, 59), "12月1日（周二）下班前", "by the end of Tuesday 1 December"),  # over a weekend
    (beijing(2026, 9, 30, 10, 0), "10月9日（周五）下班前", "by the end of Friday 9 October"),   # National Day
])
def test_due_times_read_as_the_end_of_the_working_day_they_mean(received, zh, en):
    due = CALENDAR.due_at(received.astimezone(UTC), 2)
    assert (due_phrase(due, "zh"), due_phrase(due, "en")) == (zh, en)


@pytest.mark.parametrize(("typed", "moment"), [
    ("2026-12-03T14:30", datetime(2026, 12, 3, 6, 30, tzinfo=UTC)),
    ("2026-12-03T00:05", datetime(2026, 12, 2, 16, 5, tzinfo=UTC)),
    ("2026-12-03T14:30:59", datetime(2026, 12, 3, 6, 30, tzinfo=UTC)),  # seconds some browsers add
])
def test_a_call_time_typed_in_beijing_time(typed, moment):
    assert parse_local_moment(typed) == moment


@pytest.mark.parametrize("typed", ["", "yesterday", "2026-13-01T10:00", "2026-12-03 14:30", "14:30", None, "２０２６"])
def test_call_times_that_are_not_times(typed):
    with pytest.raises(ValueError):
        parse_local_moment(typed)
