"""The alerts list's choices from the query string: a pure function, so a table of cases tests it.

The URL is a contract shared with the health check (issue 7):
/<lang>/alerts?industry=<key>&region=<key>&risk=<key>&page=N, each of industry, region and risk
may repeat; values within one parameter are any-of, the parameters together all-of.

An alert for every market (region "global") concerns each market a reader can choose, so a list,
feed or digest filtered by market includes the global alerts too (`matching_regions`); the card
names their market as "Several markets or worldwide".
"""

from dataclasses import dataclass, field

from portal.params import whole_number
from portal.vocab import INDUSTRIES, REGIONS, RISK_TYPES

# An alert for every market concerns each market a reader chooses.
EVERY_MARKET = "global"
PER_PAGE = 10
# Far beyond any real list; a bigger number is refused rather than turned into a huge offset.
MAX_PAGE = 1000
CHOICES = {"industry": INDUSTRIES, "region": REGIONS, "risk": RISK_TYPES}


@dataclass
class AlertFilters:
    industries: tuple = ()
    regions: tuple = ()
    risks: tuple = ()
    page: int = 1
    # (parameter, the value as given) for every value that was not understood
    unknown: list = field(default_factory=list)
    bad_page: str | None = None

    @property
    def query_args(self):
        """The known choices as query arguments, for links, the feed and the language switch."""
        return {"industry": list(self.industries), "region": list(self.regions), "risk": list(self.risks)}

    @property
    def any_chosen(self):
        return bool(self.industries or self.regions or self.risks)

    @property
    def matching_regions(self):
        """The markets an alert may be tagged with to match: the chosen ones and "global"."""
        return matching_regions(self.regions)


def matching_regions(regions):
    """The chosen markets plus "global" (an alert for every market), or () when none was chosen."""
    return tuple(dict.fromkeys((*regions, EVERY_MARKET))) if regions else ()


def _unique(values):
    return tuple(dict.fromkeys(values))


def parse_filters(args):
    """AlertFilters from a MultiDict of query arguments; unknown values are kept aside, not used."""
    chosen, unknown = {}, []
    for name, allowed in CHOICES.items():
        values = [value.strip() for value in args.getlist(name) if value.strip()]
        chosen[name] = _unique(value for value in values if value in allowed)
        unknown.extend((name, value[:40]) for value in values if value not in allowed)
    page, bad_page = 1, None
    raw_page = args.get("page", "").strip()
    if raw_page:
        page = whole_number(raw_page, 1, MAX_PAGE) or 1
        if page == 1 and raw_page != "1":
            bad_page = raw_page[:20]
    return AlertFilters(chosen["industry"], chosen["region"], chosen["risk"], page, unknown, bad_page)


def paginate(items, page, per_page=PER_PAGE):
    """(items on the page, number of pages); a page past the end is empty."""
    pages = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    return items[start:start + per_page], pages
