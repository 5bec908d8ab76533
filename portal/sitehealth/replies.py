"""Replies: requests, rating follow-ups and visitors' problem reports approaching or past their
reply limits, and their escalation (once per item and stage, like the service clock's).

The limits are settings (PORTAL_REPLY_WORKING_DAYS, per request type and `report` for problem
reports) in working days on the service clock (portal/sla.py), with a hard limit of
PORTAL_REPLY_HARD_LIMIT_MONTHS (3) calendar months: the inspection rules count a message left
unanswered for more than 3 months against a site outright (国办秘函〔2019〕19号). The defaults:
5 working days for questions and 7 for complaints (rights protection), as the portal's issue 17
asks; a follow-up of a bad rating keeps its own 15 working days (portal/ratings/rules.py).
"""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.params import numbers_by_key

DEFAULT_REPLY_DAYS = {"default": 5, "rights-protection": 7, "report": 5}


def parse_reply_days(text, known_types):
    """"default=5,rights-protection=7,report=5" over the defaults; ValueError on nonsense."""
    return numbers_by_key(text, DEFAULT_REPLY_DAYS, {"default", "report", *known_types}, 1, 60,
                          "PORTAL_REPLY_WORKING_DAYS")


def add_months(moment, months):
    """The same time `months` calendar months later (the 31st becomes the month's last day)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, month_calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class ReplyClock:
    kind: str            # request, follow-up, report
    item_id: int
    label: str           # a tracking number or the page reported
    received_at: datetime
    due_at: datetime     # the reply limit
    hard_due_at: datetime
    warn_at: datetime    # from here on: approaching

    def state(self, now):
        if now >= self.hard_due_at:
            return "hard"
        if now >= self.due_at:
            return "overdue"
        if now >= self.warn_at:
            return "soon"
        return "ok"


def clock_for(kind, item_id, label, received_at, working_days, calendar, warn_days, hard_months, due_at=None):
    """The reply clock of one item: due at the end of its `working_days`-th working day after the
    day it came (or at its own `due_at`, for follow-ups), approaching `warn_days` working days before."""
    if due_at is None:
        due = calendar.due_at(received_at, working_days)
        warn = calendar.due_at(received_at, working_days - warn_days) if working_days > warn_days else received_at
    else:
        due, warn = due_at, _working_days_before(calendar, due_at, warn_days)
    return ReplyClock(kind, item_id, label, received_at, due, add_months(received_at, hard_months), min(warn, due))


def _working_days_before(calendar, moment, days):
    counted = 0
    while counted < days:
        moment -= timedelta(days=1)
        if calendar.is_working_day(moment.date()):
            counted += 1
    return moment
