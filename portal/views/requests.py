"""Assistance requests: /<lang>/requests/new lists the request types.

The form itself, routing and tracking arrive with the assistance-requests issue; until then
this page says so plainly and tells people how to get help meanwhile.
"""

from flask import Blueprint, g, render_template, request

from portal.content import current_catalog
from portal.content.schema import REQUEST_TYPES

bp = Blueprint("requests", __name__)


@bp.get("/new")
def new():
    chosen = request.args.get("type")
    chosen = chosen if chosen in REQUEST_TYPES else None
    g.keep_args = {"type": chosen} if chosen else {}
    guides_by_type = {}
    for page in current_catalog().guides(g.lang):
        guides_by_type.setdefault(page.request_type, []).append(page)
    return render_template("requests_new.html", request_types=REQUEST_TYPES, chosen=chosen,
                           guides_by_type=guides_by_type)
