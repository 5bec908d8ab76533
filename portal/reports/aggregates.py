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
"""

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

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


def service_report(year, now=None):
    now = now or datetime.now(UTC)
    start = datetime(year, 1, 1, tzinfo=BEIJING).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING).astimezone(UTC)
    records = db.session.execute(
        select(AssistanceRequest.created_at, AssistanceRequest.institution_id, AssistanceRequest.due_at,
               AssistanceRequest.first_response_at)
        .where(AssistanceRequest.created_at >= start, AssistanceRequest.created_at < end)).all()
    ratings = db.session.execute(
        select(Rating.first_rated_at, AssistanceRequest.institution_id, Rating.level, RatingFollowUp.due_at,
               RatingFollowUp.closed_at)
        .join(AssistanceRequest, AssistanceRequest.id == Rating.request_id)
        .outerjoin(RatingFollowUp, RatingFollowUp.request_id == Rating.request_id)
        .where(Rating.first_rated_at >= start, Rating.first_rated_at < end)).all()
    institutions = {i.id: i for i in db.session.scalars(select(Institution))}
    return aggregate(records, now, ratings), institutions


def years_with_requests():
    first = db.session.scalar(select(AssistanceRequest.created_at).order_by(AssistanceRequest.created_at).limit(1))
    this_year = datetime.now(BEIJING).year
    start = as_utc(first).astimezone(BEIJING).year if first else this_year
    return list(range(this_year, start - 1, -1))
