"""Overseas IP risk alerts: the filtered list, one alert, and Atom feeds of either."""

from datetime import date

from flask import Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from portal.alerts.blueprint import bp
from portal.alerts.filters import CHOICES, paginate, parse_filters
from portal.alerts.nearest import nearest_alerts
from portal.content import current_catalog, page_or_404
from portal.page_cache import rendered_once
from portal.vocab import ALERT_LABELS, INDUSTRIES, REGIONS, REQUEST_TYPES

FEED_SIZE = 50


def _chosen_alerts(filters):
    """The chosen alerts; a market choice also matches the alerts for every market ("global")."""
    return current_catalog().alerts(g.lang, filters.industries, filters.matching_regions, filters.risks)


def _help_description(filters):
    """The request form's description when no alert matched: what the reader was looking for."""
    def named(values, labels):
        return _(", ").join(str(labels[value]) for value in values) or _("any")
    return _("I found no overseas risk alert for my situation. Markets: %(markets)s. Industries: %(industries)s.",
             markets=named(filters.regions, REGIONS), industries=named(filters.industries, INDUSTRIES))


@bp.get("/alerts")
def index():
    filters = parse_filters(request.args)
    g.keep_args = filters.query_args
    alerts = _chosen_alerts(filters)
    shown, pages = paginate(alerts, filters.page)
    status = 200
    if filters.unknown or filters.bad_page:
        status = 400
    elif filters.page > pages:
        status = 404
    nearest = nearest_alerts(current_catalog(), g.lang, filters) if not alerts and status == 200 else []
    return render_template("alerts/list.html", alerts=shown, total=len(alerts), filters=filters, pages=pages,
                           choices=CHOICES, alert_labels=ALERT_LABELS, nearest=nearest,
                           help_description=_help_description(filters) if not alerts else "",
                           feed_url=url_for("alerts.feed", **filters.query_args)), status


@bp.get("/alerts/feed.atom")
def feed():
    filters = parse_filters(request.args)
    if filters.unknown:
        # A feed reader shows no page, so the message goes into a plain-text answer. It names the
        # parameters, never echoes their values (which may be anything, of any length).
        names = ", ".join(sorted({name for name, _value in filters.unknown}))
        return Response(f"Unknown filter value in: {names}\n", status=400, mimetype="text/plain")
    alerts = _chosen_alerts(filters)[:FEED_SIZE]
    site = current_app.config["SITE_URL"]
    # A feed's <updated> is its newest change; an empty filtered feed takes the catalog's newest.
    newest = alerts or current_catalog().alerts(g.lang)
    feed_updated = max((alert.updated for alert in newest), default=date(2026, 1, 1))
    xml = render_template("alerts/feed.xml", alerts=alerts, site=site, filters=filters, alert_labels=ALERT_LABELS,
                          feed_updated=feed_updated,
                          self_url=site + url_for("alerts.feed", **filters.query_args),
                          list_url=site + url_for("alerts.index", **filters.query_args))
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/alerts/<slug>")
@rendered_once
def detail(slug):
    alert = page_or_404("alerts", slug)
    return render_template("alerts/detail.html", alert=alert, alert_labels=ALERT_LABELS, request_types=REQUEST_TYPES,
                           feed_url=url_for("alerts.feed"))
