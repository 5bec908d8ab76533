"""The notices' and the policy library's choices from the query string: pure functions, so a
table of cases tests them. Every parameter may repeat (any of its values); parameters together
must all match. A value not understood is kept aside and named on the page (status 400), never
used; a page number past the end is a 404 with a link back to the first page.

/<lang>/notices?topic=…&kind=…&year=…&order=open&page=N
/<lang>/policies?level=…&issuer=…&topic=…&status=…&year=…&page=N
"""

from dataclasses import dataclass, field

from portal.content.columns import ISSUERS, NOTICE_KINDS, POLICY_LEVELS, POLICY_STATUSES, is_open, policy_year
from portal.params import whole_number
from portal.vocab import TOPICS

PER_PAGE = 10
MAX_PAGE = 1000
NOTICE_CHOICES = {"topic": TOPICS, "kind": NOTICE_KINDS}
POLICY_CHOICES = {"level": POLICY_LEVELS, "issuer": ISSUERS, "topic": TOPICS, "status": POLICY_STATUSES}
ORDERS = ("newest", "open")  # open: open calls first (nearest closing date), then the rest newest first


@dataclass
class Filters:
    chosen: dict  # parameter -> tuple of known values
    years: tuple = ()
    order: str = "newest"
    page: int = 1
    unknown: list = field(default_factory=list)  # (parameter, value as given, cut short)
    bad_page: str | None = None

    @property
    def query_args(self):
        """The known choices as query arguments, for links, the feed and the language switch."""
        args = {name: list(values) for name, values in self.chosen.items()}
        args["year"] = [str(year) for year in self.years]
        if self.order != "newest":
            args["order"] = self.order
        return args

    @property
    def feed_args(self):
        args = self.query_args
        args.pop("order", None)  # a feed is always newest first
        return args

    @property
    def any_chosen(self):
        return any(self.chosen.values()) or bool(self.years) or self.order != "newest"

    def values(self, name):
        return self.chosen.get(name, ())


def _unique(values):
    return tuple(dict.fromkeys(values))


def parse(args, choices, years_allowed=None):
    """Filters from a MultiDict of query arguments. `years_allowed`: any four-digit year when None."""
    chosen, unknown = {}, []
    for name, allowed in choices.items():
        values = [value.strip() for value in args.getlist(name) if value.strip()]
        chosen[name] = _unique(value for value in values if value in allowed)
        unknown.extend((name, value[:40]) for value in values if value not in allowed)
    years = []
    for value in (value.strip() for value in args.getlist("year") if value.strip()):
        year = whole_number(value, 1949, 2100) if len(value) == 4 else None
        if year is None or (years_allowed is not None and year not in years_allowed):
            unknown.append(("year", value[:40]))
        else:
            years.append(year)
    order = args.get("order", "newest").strip() or "newest"
    if order not in ORDERS:
        unknown.append(("order", order[:40]))
        order = "newest"
    page, bad_page = 1, None
    raw_page = args.get("page", "").strip()
    if raw_page:
        page = whole_number(raw_page, 1, MAX_PAGE) or 1
        if page == 1 and raw_page != "1":
            bad_page = raw_page[:20]
    return Filters(chosen, tuple(sorted(set(years), reverse=True)), order, page, unknown, bad_page)


def matching_notices(notices, filters):
    return [notice for notice in notices
            if (not filters.values("topic") or set(filters.values("topic")) & set(notice.topics))
            and (not filters.values("kind") or notice.notice_kind in filters.values("kind"))
            and (not filters.years or notice.date.year in filters.years)]


def matching_policies(policies, filters):
    return [policy for policy in policies
            if (not filters.values("level") or policy.level in filters.values("level"))
            and (not filters.values("issuer") or set(filters.values("issuer")) & set(policy.issuer))
            and (not filters.values("topic") or set(filters.values("topic")) & set(policy.topics))
            and (not filters.values("status") or policy.status in filters.values("status"))
            and (not filters.years or policy_year(policy) in filters.years)]


def open_only(notices, today):
    return [notice for notice in notices if is_open(notice, today)]


def paginate(items, page, per_page=PER_PAGE):
    """(items on the page, number of pages); a page past the end is empty."""
    pages = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    return items[start:start + per_page], pages
