"""Latest published indicator values: validated entry (CLI now, the admin form later) and lookup.

Values live in the database, not in a file, so that an administrator can enter one without a
deploy and every app server sees it at once.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from portal.db import db
from portal.indicators.plan import load_plan
from portal.models import IndicatorValue

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
EARLIEST = date(2020, 1, 1)  # the plan's baseline year: nothing earlier is a "latest" value


class InvalidIndicatorValue(ValueError):
    """What is wrong, field by field: {field: message}, for a form or the CLI to show."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))


@dataclass(frozen=True)
class Latest:
    value: Decimal
    as_of: date
    source_title: str
    source_url: str


def validate(key, value, as_of, source_title, source_url, today=None):
    """The cleaned (key, Decimal value, date, title, url), or InvalidIndicatorValue."""
    today = today or date.today()
    problems = {}
    if load_plan().get(key) is None:
        problems["indicator"] = f"unknown indicator {key!r}"
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or number < 0 or number >= Decimal("1e14"):
            raise InvalidOperation
        number = number.quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        problems["value"] = "must be a number ≥ 0 (use a dot for decimals)"
        number = None
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of.strip())
        except ValueError:
            problems["as_of"] = "must be a date YYYY-MM-DD"
    if isinstance(as_of, date) and "as_of" not in problems and not EARLIEST <= as_of <= today:
        problems["as_of"] = f"must be between {EARLIEST} and today"
    source_title = (source_title or "").strip()
    if not source_title or len(source_title) > 300:
        problems["source_title"] = "must name the publication (at most 300 characters)"
    source_url = (source_url or "").strip()
    if not _URL.match(source_url) or len(source_url) > 500:
        problems["source_url"] = "must be the http(s) address of the publication"
    if problems:
        raise InvalidIndicatorValue(problems)
    return key, number, as_of, source_title, source_url


def set_latest(key, value, as_of, source_title, source_url, entered_by, today=None):
    """Record a published value (validated); the caller commits. Returns the new row."""
    key, number, as_of, source_title, source_url = validate(key, value, as_of, source_title, source_url, today)
    row = IndicatorValue(indicator_key=key, value=number, as_of=as_of, source_title=source_title,
                         source_url=source_url, entered_by=(entered_by or "unknown")[:100])
    db.session.add(row)
    return row


def latest_values():
    """{indicator key: Latest} for every indicator with a value: the newest as_of, then newest entry."""
    rows = db.session.scalars(select(IndicatorValue).order_by(IndicatorValue.as_of, IndicatorValue.id)).all()
    return {row.indicator_key: Latest(row.value, row.as_of, row.source_title, row.source_url) for row in rows}


def display_number(value):
    """A Decimal without trailing zeros ("1.2000" -> "1.2", "3.0000" -> "3")."""
    return format(value.normalize(), "f")
