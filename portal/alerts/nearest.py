"""When the chosen industry, market and risk match no alert: the nearest alerts there are.

A rubber exporter to ASEAN who finds "0 alerts" should still see the ASEAN alerts of other
industries and the rubber alerts of other markets. A pure function over the catalog, so the
groups are tested without a request.
"""

from dataclasses import dataclass

from portal.alerts.filters import matching_regions

NEAREST_SHOWN = 3  # alerts per group; the group's link opens the whole list


@dataclass(frozen=True)
class NearestGroup:
    kind: str  # "market" (same market, any industry) or "industry" (same industry, any market)
    query_args: dict  # the alert list's arguments for the whole group
    alerts: tuple
    total: int


def nearest_alerts(catalog, lang, filters):
    """The groups to offer when `filters` (AlertFilters) match nothing, in this order: the same
    market with any industry (alerts for every market included), the same industry in any market.
    Each group leaves out the chosen risk type, and appears only when that choice was made and the
    group is not empty."""
    groups = []
    if filters.regions:
        regions = matching_regions(filters.regions)
        found = catalog.alerts(lang, regions=regions)
        groups.append(NearestGroup("market", {"region": list(regions)}, tuple(found[:NEAREST_SHOWN]), len(found)))
    if filters.industries:
        found = catalog.alerts(lang, industries=filters.industries)
        groups.append(NearestGroup("industry", {"industry": list(filters.industries)},
                                   tuple(found[:NEAREST_SHOWN]), len(found)))
    return [group for group in groups if group.alerts]
