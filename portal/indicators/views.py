"""/<lang>/indicators: the plan's table with the latest published values, as HTML with an SVG
chart, and as CSV."""

from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, g, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.indicators.latest import display_number, latest_values
from portal.indicators.plan import load_plan
from portal.spreadsheet import csv_response

bp = Blueprint("indicators", __name__, template_folder="templates")

BAR_WIDTH = 300  # the longest bar in the chart, in SVG units


@dataclass(frozen=True)
class Row:
    indicator: object
    latest: object  # Latest or None: never a guessed value

    @property
    def latest_text(self):
        return display_number(self.latest.value) if self.latest else None


def table_rows():
    latest = latest_values()
    return [Row(indicator, latest.get(indicator.key)) for indicator in load_plan().indicators]


def bars(row):
    """(label key, value text, width) per bar: baseline, latest (if published), target. Each
    indicator has its own scale (the units differ), its largest value the full width."""
    values = [("baseline", row.indicator.baseline_2020, Decimal(row.indicator.baseline_2020))]
    if row.latest:
        values.append(("latest", row.latest_text, row.latest.value))
    values.append(("target", row.indicator.target_2025, Decimal(row.indicator.target_2025)))
    largest = max(value for _key, _text, value in values) or Decimal(1)
    return [(key, text, int(BAR_WIDTH * value / largest)) for key, text, value in values]


@bp.get("/indicators")
def index():
    rows = table_rows()
    return render_template("indicators/page.html", plan=load_plan(), rows=rows, bars=bars, bar_width=BAR_WIDTH)


@bp.get("/indicators.csv")
def csv_download():
    with force_locale(g.lang):
        rows = [[_("Indicator"), _("Unit"), _("2020 baseline"), _("2025 target"), _("Latest published value"),
                 _("Date of the latest value"), _("Source of the latest value"), _("Responsible department")]]
        for row in table_rows():
            indicator, latest = row.indicator, row.latest
            rows.append([indicator.name(g.lang), indicator.unit(g.lang), indicator.baseline_2020,
                         indicator.target_2025, row.latest_text or _("not yet published"),
                         latest.as_of.isoformat() if latest else "",
                         f"{latest.source_title} {latest.source_url}" if latest else "",
                         indicator.department(g.lang)])
    # Administrators type the source's title: a formula there would run in a reader's spreadsheet.
    return csv_response(rows, f"hengshui-ip-indicators-{g.lang}.csv")
