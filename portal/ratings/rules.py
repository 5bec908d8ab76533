"""The 好差评 rules (国办发〔2019〕51号), pure: the five levels, which count as satisfied, and whether a
requester may rate a request now. No Flask, no database: a table of cases tests them.

Once per request: the first rating is the request's rating; within CHANGE_DAYS of it the requester
may change it (a rating given in the heat of the moment can be corrected), after that it stands.
A bad rating (the two lowest levels) opens a follow-up due FOLLOW_UP_WORKING_DAYS working days
later on the service clock (portal/sla.py), the time the document's practice commonly sets.
"""

from datetime import timedelta

from portal.vocab import RATING_LEVELS as LEVELS
from portal.vocab import SATISFIED_LEVELS as SATISFIED  # 非常满意, 满意, 基本满意: "share satisfied"

BAD = frozenset(LEVELS) - SATISFIED  # 不满意, 非常不满意: a follow-up
CHANGE_DAYS = 7
FOLLOW_UP_WORKING_DAYS = 15
RATABLE_STATUSES = ("answered", "closed")


def may_rate(status, anonymized, first_rated_at, now):
    """'new' (may give a first rating), 'change' (may change it), or why not: 'not-yet' (not
    answered or closed), 'window-closed' (rated more than CHANGE_DAYS ago), 'removed' (personal
    data removed)."""
    if anonymized:
        return "removed"
    if first_rated_at is not None:
        return "change" if now - first_rated_at <= timedelta(days=CHANGE_DAYS) else "window-closed"
    if status not in RATABLE_STATUSES:
        return "not-yet"
    return "new"


def needs_follow_up(level):
    return level in BAD


def follow_up_due(calendar, opened_at):
    """When a follow-up opened at `opened_at` must be closed (UTC): the end of the 15th working day."""
    return calendar.due_at(opened_at, FOLLOW_UP_WORKING_DAYS)
