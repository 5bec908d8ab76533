"""The directory of service institutions: read from the database, active ones only."""

from flask import Blueprint, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.content.schema import REQUEST_TYPES
from portal.db import db
from portal.intake.choices import COUNTIES
from portal.models import Institution

bp = Blueprint("institutions", __name__)

# What each kind of institution is, in the reader's words; the kinds the data uses today.
INSTITUTION_KINDS = {
    "center": _l("IP promotion and protection center"),
    "workstation": _l("County IP protection workstation"),
    "bank": _l("Bank offering IP pledge loans"),
    "brand-station": _l("Trademark brand guidance station"),
    "copyright-point": _l("Copyright registration service point"),
    "agency": _l("Patent agency"),
    "tisc": _l("Technology and Innovation Support Center"),
    "arbitration": _l("Arbitration institution"),
    "notary": _l("Notary office"),
}


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
    active = db.session.scalars(select(Institution).where(Institution.active.is_(True))).all()
    shown = directory(active, county, service)
    return render_template("institutions.html", institutions=shown, county=county, service=service,
                           counties=COUNTIES, services=REQUEST_TYPES, kinds=INSTITUTION_KINDS,
                           unknown=unknown), 400 if unknown else 200
