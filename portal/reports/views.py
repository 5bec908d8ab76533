"""/<lang>/service-report: how the service institutions keep the clock, in aggregates."""

from datetime import datetime

from flask import Blueprint, current_app, g, render_template, request

from portal.params import whole_number
from portal.reports.aggregates import service_report as build_report
from portal.reports.aggregates import years_with_requests
from portal.sla import BEIJING

bp = Blueprint("reports", __name__, template_folder="templates")


@bp.get("/service-report")
def service_report():
    years = years_with_requests()
    wanted = request.args.get("year", "")
    chosen = whole_number(wanted)
    year = chosen if chosen in years else years[0]
    problem = bool(wanted) and chosen not in years
    g.keep_args = {"year": year} if wanted and not problem else {}
    rows, institutions = build_report(year)
    # Other features' sections (events…), registered by their init_app: (title, headings, rows).
    sections = [section(year, g.lang) for section in current_app.extensions.get("service_report_sections", ())]
    return render_template("reports/service_report.html", rows=rows, institutions=institutions, year=year, years=years,
                           sections=sections,
                           problem=problem, this_month=datetime.now(BEIJING).strftime("%Y-%m")), 200
