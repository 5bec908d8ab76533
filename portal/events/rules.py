"""The registration rules, pure: whether someone may register now, whether they get a place or
join the waiting list, who moves up when a place comes free, when the reminder is due and when a
registrant may rate. No Flask, no database: tests/test_events_rules.py is a table of cases.

The numbers come from the caller while it holds the event's lock (portal/events/service.py), so
a decision made here is never overtaken by another registration.
"""

from datetime import timedelta

from portal.sla import BEIJING
from portal.vocab import RATING_LEVELS

ACTIVE = ("confirmed", "waiting")


def registration_refusal(facts, now):
    """None when the registration window is open at `now`, else why not: 'not-open', 'closed'."""
    if now < facts.opens:
        return "not-open"
    if now >= facts.closes or now >= facts.starts:
        return "closed"
    return None


def decide(facts, now, confirmed, existing_status=None, slot=None, taken_slots=frozenset()):
    """'confirmed', 'waiting' or a refusal ('not-open', 'closed', 'duplicate', 'slot-taken',
    'no-slot') for a new registration, given how many places are confirmed now and whether this
    contact already holds an active registration. An event with slots has no waiting list: each
    slot is one school's, and a taken slot is refused so that the school can choose another."""
    refusal = registration_refusal(facts, now)
    if refusal:
        return refusal
    if existing_status in ACTIVE:
        return "duplicate"
    if facts.slots:
        if slot is None or not 0 <= slot < len(facts.slots):
            return "no-slot"
        return "slot-taken" if slot in taken_slots else "confirmed"
    return "confirmed" if confirmed < facts.capacity else "waiting"


def to_promote(facts, now, confirmed, waiting_positions):
    """The waiting positions to confirm, in order, when `confirmed` places are taken: as many as
    there are free places, none once the event has started."""
    if now >= facts.starts:
        return []
    free = max(0, facts.capacity - confirmed)
    return sorted(waiting_positions)[:free]


def reminder_due(facts, now):
    """The reminder goes out from the start of the Beijing calendar day before the event until it
    starts (a registration made on that day still gets one)."""
    day_before = facts.starts.astimezone(BEIJING).date() - timedelta(days=1)
    return now.astimezone(BEIJING).date() >= day_before and now < facts.starts


def may_rate(facts, status, rated, now):
    """'yes' after the event for a registrant who had a place; else 'not-yet', 'rated', 'no-place'."""
    if status != "confirmed":
        return "no-place"
    if now < facts.ends:
        return "not-yet"
    return "rated" if rated else "yes"


def valid_level(level):
    return level in RATING_LEVELS
