"""The events' blueprint: the public pages under /<lang>/events and the organisers' pages under
/<lang>/staff/events (staff and coordinators; idle sessions end; never stored by browsers)."""

from flask import Blueprint, abort, request
from flask_login import current_user

from portal.accounts import auth

bp = Blueprint("events", __name__, template_folder="templates")
STAFF_PREFIX = "events.staff_"
STAFF_ROLES = ("staff", "coordinator")


@bp.before_request
def staff_area():
    if not (request.endpoint or "").startswith(STAFF_PREFIX):
        return None
    if not current_user.is_authenticated:
        return auth.login_manager.unauthorized()
    if current_user.role not in STAFF_ROLES:
        abort(403)
    return auth.check_idle()


@bp.after_request
def staff_pages_are_not_stored(response):
    if (request.endpoint or "").startswith(STAFF_PREFIX):
        response.headers["Cache-Control"] = "no-store"
    return response
