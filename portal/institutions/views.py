"""The directory of service institutions: read from the database, active ones only."""

from urllib.parse import urlencode

from flask import Blueprint, g, render_template, request
from sqlalchemy import select

from portal.db import db
from portal.models import Institution
from portal.page_cache import for_a_while
from portal.vocab import COUNTIES, INSTITUTION_KINDS, REQUEST_TYPES

bp = Blueprint("institutions", __name__, template_folder="templates")

def directory(institutions, county=None, service=None):
    """Institutions serving `county` (an empty county list means every county) and offering
    `service`, in a stable order: citywide ones first, then by English name."""
    chosen = [i for i in institutions
              if (county is None or not i.counties or county in i.counties)
              and (service is None or service in (i.services or []))]
    return sorted(chosen, key=lambda i: (bool(i.counties), i.name_en))


@bp.get("/institutions")
def index():
    unknown = []
    county = request.args.get("county", "").strip() or None
    service = request.args.get("service", "").strip() or None
    if county and county not in COUNTIES:
        unknown.append(("county", county[:40]))
        county = None
    if service and service not in REQUEST_TYPES:
        unknown.append(("service", service[:40]))
        service = None
    g.keep_args = {key: value for key, value in (("county", county), ("service", service)) if value}

    def render():
        active = db.session.scalars(select(Institution).where(Institution.active.is_(True))).all()
        shown = directory(active, county, service)
        return render_template("institutions/directory.html", institutions=shown, county=county, service=service,
                               counties=COUNTIES, services=REQUEST_TYPES, kinds=INSTITUTION_KINDS, unknown=unknown)

    if unknown:
        return render(), 400
    return for_a_while(urlencode(g.keep_args), render)
