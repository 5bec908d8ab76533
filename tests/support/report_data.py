"""Seeded requests and ratings for the service report, and the report computed as it was before
(every row read into Python, then `aggregate`): for tests/test_report_figures.py and bench/reports.py."""

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, Institution, Rating, RatingFollowUp
from portal.reports.aggregates import aggregate, year_bounds
from portal.vocab import SATISFIED_LEVELS

LEVELS = ("very-satisfied", "satisfied", "basically-satisfied", "dissatisfied", "very-dissatisfied")


def moment(rng, start, days):
    return start + timedelta(seconds=rng.randrange(int(days * 86400)), microseconds=rng.randrange(10**6))


def seed_requests(count=700, seed=20, start=datetime(2025, 12, 20, tzinfo=UTC), days=390):
    """Requests over 2026 and its edges (Beijing new year is 16:00 UTC on 31 December), with and
    without institutions, due times and first responses, some on the due time to the microsecond;
    ratings with follow-ups closed early, late, open or not yet due."""
    rng = random.Random(seed)
    institutions = [None, *db.session.scalars(select(Institution.id))]
    assert len(institutions) > 3
    edges = [datetime(2025, 12, 31, 15, 59, 59, 999999, tzinfo=UTC), datetime(2025, 12, 31, 16, tzinfo=UTC),
             datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC), datetime(2026, 6, 30, 16, tzinfo=UTC),
             datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC)]
    for number in range(count):
        created = edges[number] if number < len(edges) else moment(rng, start, days)
        due = None if rng.random() < 0.1 else created + timedelta(hours=rng.choice((24, 48, 72)))
        roll = rng.random()
        if roll < 0.25:
            first = None
        elif roll < 0.3 and due:
            first = due  # exactly on time
        else:
            first = created + timedelta(minutes=rng.randrange(1, 6000), microseconds=rng.randrange(10**6))
        token = secrets.token_hex(16)
        request = AssistanceRequest(
            tracking_number=f"HS2026-9{number:05d}", status_token=token, form_token=token, request_type="general",
            lang="zh", applicant_kind="enterprise", organisation="示例公司 (demo)", contact_name="测试",
            phone="13800000000", email="demo@example.com", county="wuyi", industry="rubber",
            description="demo", privacy_version="demo", institution_id=rng.choice(institutions),
            created_at=created, due_at=due, first_response_at=first)
        db.session.add(request)
        db.session.flush()
        if first and rng.random() < 0.4:
            level = rng.choice(LEVELS)
            rated = first + timedelta(hours=rng.randrange(1, 400))
            db.session.add(Rating(request_id=request.id, level=level, first_rated_at=rated, rated_at=rated))
            if level not in SATISFIED_LEVELS:
                follow_due = rated + timedelta(days=rng.choice((-30, 3, 21, 200)))
                closed = rng.choice((None, follow_due - timedelta(days=1), follow_due, follow_due + timedelta(hours=5)))
                db.session.add(RatingFollowUp(request_id=request.id, opened_at=rated, due_at=follow_due,
                                              closed_at=closed))
    db.session.commit()


def python_report(year, now):
    """The report as computed before: every row of the year read into Python, then `aggregate`."""
    start, end = year_bounds(year)
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
    return aggregate(records, now, ratings)
