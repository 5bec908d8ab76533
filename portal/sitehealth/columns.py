"""Columns (栏目): every list the portal publishes, its update cycle and how close it is to stale.

Pure: a table keyed by content kind, the settings' overrides, and a function of the catalog's pages
and today's date. The inspection rules (《政府网站与政务新媒体检查指标》, 国办秘函〔2019〕19号,
https://www.gov.cn/zhengce/content/2019-04/18/content_5384134.htm) fail a site outright for a
动态、要闻 (news) column with no new item in the 2 weeks before the check, a 通知公告 or 政策文件
(notices, policies) column with none in 6 months, and count empty columns (空白栏目) against it.

The table names kinds that other parts of the portal add (notices, policies, interpretations,
events): a kind the content schema does not have yet is left out, so the dashboard is right before
and after they arrive.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.params import numbers_by_key

TWO_WEEKS = 14
SIX_MONTHS = 183  # the rules' 6 months, counted in days so that a cycle is the same length all year


@dataclass(frozen=True)
class Column:
    kind: str           # the content kind (portal/content/schema.py SECTIONS' values)
    label: object       # lazy text
    days: int           # the default cycle
    rule: object        # where the default comes from (lazy text)
    by_review: bool = False  # guides: the oldest "reviewed" date decides, not the newest item


COLUMNS = (
    Column("alert", _l("Overseas risk alerts"), TWO_WEEKS,
           _l("News and updates column (动态、要闻类): a new item at least every 2 weeks (国办秘函〔2019〕19号)")),
    Column("event", _l("Events"), TWO_WEEKS,
           _l("News and updates column (动态、要闻类): a new item at least every 2 weeks (国办秘函〔2019〕19号)")),
    Column("notice", _l("Notices"), SIX_MONTHS,
           _l("Notices column (通知公告类): a new item at least every 6 months (国办秘函〔2019〕19号)")),
    Column("policy", _l("Policies"), SIX_MONTHS,
           _l("Policy documents column (政策文件类): a new item at least every 6 months (国办秘函〔2019〕19号)")),
    Column("interpretation", _l("Policy interpretations"), SIX_MONTHS,
           _l("Published with the policy documents they explain (政策解读): the policies' 6 months "
              "(国办秘函〔2019〕19号)")),
    Column("material", _l("Teaching materials"), SIX_MONTHS,
           _l("Not named by the rules; kept to the 6 months of notice columns, so that it never looks abandoned")),
    Column("guide", _l("Guides (by the date their facts were last checked)"), SIX_MONTHS,
           _l("Service guides (办事指南) must be accurate: each guide's facts checked at least every 6 months "
              "(PORTAL_CONTENT_REVIEW_MAX_MONTHS for the content check)"), by_review=True),
)
BY_KIND = {column.kind: column for column in COLUMNS}


def parse_cycles(text):
    """PORTAL_COLUMN_CYCLE_DAYS ("alert=14,notice=183") as {kind: days} over the defaults;
    ValueError naming the part that is wrong."""
    return numbers_by_key(text, {column.kind: column.days for column in COLUMNS}, BY_KIND, 1, 3660,
                          "PORTAL_COLUMN_CYCLE_DAYS")


@dataclass(frozen=True)
class ColumnState:
    column: Column
    days: int              # the cycle in force
    items: int             # published pages (in the language looked at)
    latest: object         # the date that decides (newest item, or oldest review); None when empty
    stale_on: object       # the first day the column counts as stale; None when empty
    days_left: int | None  # negative: stale for that many days
    status: str            # ok, soon, stale, empty

    @property
    def cycle(self):
        """Names this cycle for the once-per-cycle e-mail: it changes when a new item arrives."""
        return self.latest.isoformat() if self.latest else "empty"


def item_date(page):
    """An item's own date (an alert's, an event's or a notice's `date`), else when it was updated."""
    return getattr(page, "date", None) or page.updated


def column_states(pages, known_kinds, cycles, today, warn_days):
    """A ColumnState for every column whose kind the content schema has, in the table's order."""
    states = []
    for column in COLUMNS:
        if column.kind not in known_kinds:
            continue
        mine = [page for page in pages if page.kind == column.kind]
        days = cycles.get(column.kind, column.days)
        if not mine:
            states.append(ColumnState(column, days, 0, None, None, None, "empty"))
            continue
        latest = min(page.reviewed for page in mine) if column.by_review else max(item_date(page) for page in mine)
        stale_on = latest + timedelta(days=days + 1)  # the cycle's last day is still on time
        left = (stale_on - today).days - 1
        status = "stale" if left < 0 else ("soon" if left <= warn_days else "ok")
        states.append(ColumnState(column, days, len(mine), latest, stale_on, left, status))
    return states
