"""The public service report: per month and institution, how many requests came in, how soon
they got a first response, and what share got it by the due time. Aggregates only: the query
reads dates and ids, never a name, a phone number or a description.

Months are Beijing-time calendar months of receipt. "On time" counts requests whose due time
has passed or that have been answered: a request still inside its time is neither on time nor
late yet.

Ratings (好差评) count in the Beijing month they were first given, under the institution that had
the request: how many were rated, the share satisfied (the top three of the five levels), and of
the bad ratings whose follow-up is closed or past due, how many were closed by the due time. The
query reads levels and dates, never a comment.

`service_report` counts in SQL (GROUP BY the Beijing month and the institution), and finds each
group's median with window functions, so a year of requests never travels into Python: only a
row per group, plus the one or two middle requests of each. `aggregate` is the same definition in
Python, on rows already read; the tests hold the two to the same figures.
"""

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import String, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.db import as_utc, db
from portal.models import AssistanceRequest, Institution, Rating, RatingFollowUp
from portal.sla import BEIJING
from portal.vocab import SATISFIED_LEVELS


@dataclass(frozen=True)
class Row:
    month: str           # "2026-11"
    institution_id: int | None
    received: int
    responded: int
    median_hours: float | None  # to the first response, among those that had one
    decided: int         # responded, or past their due time
    on_time: int
    rated: int = 0
    satisfied: int = 0
    bad_decided: int = 0  # bad ratings whose follow-up is closed or past its due time
    bad_on_time: int = 0  # of those, closed by the due time

    @property
    def on_time_share(self):
        return self.on_time / self.decided if self.decided else None

    @property
    def satisfied_share(self):
        return self.satisfied / self.rated if self.rated else None




class beijing_month(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """'YYYY-MM' of a UTC timestamp in Beijing time (UTC+8 all year: China has no summer time)."""

    type = String()
    inherit_cache = True


# SQLite keeps timestamps as text, 'YYYY-MM-DD HH:MM:SS.ffffff'; its date functions round to the
# millisecond (23:59:59.9996 became the next day, so the next month), so the seconds are cut off
# first and the microseconds handled as a number.
@compiles(beijing_month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', substr({compiler.process(element.clauses, **kw)}, 1, 19), '+8 hours')"


@compiles(beijing_month, "postgresql")
def _month_postgresql(element, compiler, **kw):
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


class elapsed(FunctionElement):  # noqa: N801
    """end - start, exactly, as something that orders by duration (microseconds on SQLite, an
    interval on PostgreSQL)."""

    inherit_cache = True


@compiles(elapsed, "sqlite")
def _elapsed_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    seconds = f"(strftime('%s', substr({end}, 1, 19)) - strftime('%s', substr({start}, 1, 19)))"
    return f"({seconds} * 1000000 + CAST(substr({end}, 21, 6) AS INTEGER) - CAST(substr({start}, 21, 6) AS INTEGER))"


@compiles(elapsed, "postgresql")
def _elapsed_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({end} - {start})"


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def aggregate(records, now, ratings=()):
    """records: (created_at, institution_id, due_at, first_response_at) tuples; ratings:
    (first_rated_at, institution_id, level, follow_up_due_at, follow_up_closed_at) tuples, the
    follow-up's dates None when there is none -> sorted Rows."""
    rated = {}
    for first_rated, institution_id, level, follow_due, follow_closed in ratings:
        month = as_utc(first_rated).astimezone(BEIJING).strftime("%Y-%m")
        counts = rated.setdefault((month, institution_id), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += level in SATISFIED_LEVELS
        follow_due, follow_closed = as_utc(follow_due), as_utc(follow_closed)
        if follow_due and (follow_closed or follow_due < now):
            counts[2] += 1
            counts[3] += bool(follow_closed and follow_closed <= follow_due)
    groups = {key: [] for key in rated}
    for created, institution_id, due, first in records:
        created, due, first = as_utc(created), as_utc(due), as_utc(first)
        month = created.astimezone(BEIJING).strftime("%Y-%m")
        groups.setdefault((month, institution_id), []).append((created, due, first))
    rows = []
    for (month, institution_id), items in groups.items():
        hours = [(first - created).total_seconds() / 3600 for created, _due, first in items if first]
        decided = [(due, first) for _created, due, first in items if due and (first or due < now)]
        rows.append(Row(month, institution_id, len(items), len(hours),
                        round(statistics.median(hours), 1) if hours else None, len(decided),
                        sum(1 for due, first in decided if first and first <= due),
                        *rated.get((month, institution_id), (0, 0, 0, 0))))
    return sorted(rows, key=lambda row: (row.month, row.institution_id or 0), reverse=True)


def _request_counts(start, end, now):
    """(month, institution id) -> [received, responded, decided, on time]."""
    request = AssistanceRequest
    month = beijing_month(request.created_at)
    due, first = request.due_at, request.first_response_at
    rows = db.session.execute(
        select(month, request.institution_id, func.count(), func.count(first),
               _count_if(and_(due.is_not(None), or_(first.is_not(None), due < now))),
               _count_if(and_(due.is_not(None), first.is_not(None), first <= due)))
        .where(request.created_at >= start, request.created_at < end)
        .group_by(month, request.institution_id))
    return {(row[0], row[1]): [int(value) for value in row[2:]] for row in rows}


def _median_hours(start, end):
    """(month, institution id) -> median hours to the first response, from the one or two middle
    requests of each group (ordered by that time in SQL; the hours computed here, as in `aggregate`)."""
    request = AssistanceRequest
    month = beijing_month(request.created_at).label("month")
    group = (month, request.institution_id)
    ordered = (select(month, request.institution_id.label("institution_id"), request.created_at,
                      request.first_response_at,
                      func.row_number().over(partition_by=group, order_by=(
                          elapsed(request.created_at, request.first_response_at), request.id)).label("number"),
                      func.count().over(partition_by=group).label("size"))
               .where(request.created_at >= start, request.created_at < end,
                      request.first_response_at.is_not(None))
               .subquery())
    middle = db.session.execute(
        select(ordered.c.month, ordered.c.institution_id, ordered.c.created_at, ordered.c.first_response_at)
        .where(or_(ordered.c.number == (ordered.c.size + 1) // 2, ordered.c.number == (ordered.c.size + 2) // 2))
        .order_by(ordered.c.month, ordered.c.institution_id, ordered.c.number))
    hours = {}
    for month_text, institution_id, created, first in middle:
        hours.setdefault((month_text, institution_id), []).append(
            (as_utc(first) - as_utc(created)).total_seconds() / 3600)
    return {key: round(statistics.median(values), 1) for key, values in hours.items()}


def _rating_counts(start, end, now):
    """(month, institution id) -> [rated, satisfied, bad decided, bad on time]."""
    month = beijing_month(Rating.first_rated_at)
    due, closed = RatingFollowUp.due_at, RatingFollowUp.closed_at
    rows = db.session.execute(
        select(month, AssistanceRequest.institution_id, func.count(),
               _count_if(Rating.level.in_(SATISFIED_LEVELS)),
               _count_if(and_(due.is_not(None), or_(closed.is_not(None), due < now))),
               _count_if(and_(due.is_not(None), closed.is_not(None), closed <= due)))
        .join(AssistanceRequest, AssistanceRequest.id == Rating.request_id)
        .outerjoin(RatingFollowUp, RatingFollowUp.request_id == Rating.request_id)
        .where(Rating.first_rated_at >= start, Rating.first_rated_at < end)
        .group_by(month, AssistanceRequest.institution_id))
    return {(row[0], row[1]): [int(value) for value in row[2:]] for row in rows}


def year_bounds(year):
    """The Beijing calendar year as a UTC half-open range."""
    return (datetime(year, 1, 1, tzinfo=BEIJING).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=BEIJING).astimezone(UTC))


def service_report(year, now=None):
    """The report's Rows for a Beijing calendar year (the same figures as `aggregate`), and the
    institutions by id."""
    now = now or datetime.now(UTC)
    start, end = year_bounds(year)
    counts = _request_counts(start, end, now)
    medians = _median_hours(start, end)
    rated = _rating_counts(start, end, now)
    rows = []
    for key in counts.keys() | rated.keys():
        received, responded, decided, on_time = counts.get(key, (0, 0, 0, 0))
        rows.append(Row(key[0], key[1], received, responded, medians.get(key), decided, on_time,
                        *rated.get(key, (0, 0, 0, 0))))
    institutions = {i.id: i for i in db.session.scalars(select(Institution))}
    return sorted(rows, key=lambda row: (row.month, row.institution_id or 0), reverse=True), institutions


def years_with_requests():
    first = db.session.scalar(select(AssistanceRequest.created_at).order_by(AssistanceRequest.created_at).limit(1))
    this_year = datetime.now(BEIJING).year
    start = as_utc(first).astimezone(BEIJING).year if first else this_year
    return list(range(this_year, start - 1, -1))
