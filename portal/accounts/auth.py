"""Who is signed in, and what each role may open.

Sessions are Flask's signed cookies. The id Flask-Login keeps in the session is
"<user id>:<session version>", and the user loader accepts it only while the account's
session_version is the same and the account is active: raising the version (logout, password
change, deactivation by an administrator) ends every session of that user on the server side,
even if someone kept a copy of the cookie. Sessions also end after PORTAL_STAFF_IDLE_MINUTES
without a request.

Roles: staff (one institution's requests), coordinator (the municipal centre: every request,
reassignment, escalations), admin (the /admin area only; administrators do not read requests,
so the people who manage accounts are not also reading the public's personal data).
"""

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user

from portal.db import db
from portal.models import User
from portal.params import whole_number

ROLES = {
    "staff": _l("Institution staff"),
    "coordinator": _l("Coordinator (municipal centre)"),
    "admin": _l("Administrator"),
    "editor": _l("Editor (IP office: writes pages)"),
    "reviewer": _l("Reviewer (IP office: reviews and publishes pages)"),
}
WORKSPACE_ROLES = ("staff", "coordinator")

login_manager = LoginManager()


class SessionUser:
    """What Flask-Login holds for a signed-in user: the row plus the versioned session id."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user):
        self.user = user

    def get_id(self):
        return f"{self.user.id}:{self.user.session_version}"

    def __getattr__(self, name):
        return getattr(self.user, name)


@login_manager.user_loader
def load_user(session_id):
    user_id, _, version = str(session_id).partition(":")
    user_id, version = whole_number(user_id, 1), whole_number(version)
    if user_id is None or version is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return SessionUser(user)


@login_manager.unauthorized_handler
def unauthorized():
    flash(_l("Please sign in to continue."), "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def safe_next(target, default):
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target or not isinstance(target, str):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def start_session(user):
    """Sign in with a new session: nothing from before the login survives (a new CSRF token too)."""
    session.clear()
    login_user(SessionUser(user))
    session["seen"] = session["confirmed_at"] = int(time.time())  # signing in is a confirmation too
    session.permanent = False


CONFIRM_SECONDS = 5 * 60


def recently_confirmed():
    """Whether the password (and the code, when enrolled) was given in the last five minutes: the
    condition for a requester's export or deletion, a role or e-mail change, a second-factor change."""
    confirmed = session.get("confirmed_at")
    return isinstance(confirmed, int) and time.time() - confirmed <= CONFIRM_SECONDS


def mark_confirmed():
    session["confirmed_at"] = int(time.time())


def ask_to_confirm():
    """Off to the confirmation page, and back here afterwards."""
    return redirect(url_for("accounts.confirm", next=request.path), code=303)


PENDING_SECONDS = 5 * 60  # between the password and the code


def second_factor_required():
    """Every staff sign-in needs a second factor in production; elsewhere an account without one
    may still sign in with its password (the demo accounts have none)."""
    return current_app.config.get("SECOND_FACTOR_REQUIRED", current_app.config["PORTAL_ENV"] == "production")


def begin_second_step(user, next_url):
    """The password was right: a fresh session that names the account (and its session version)
    but signs nobody in until the code is given or, the first time, a factor is enrolled."""
    session.clear()
    session["pending"] = {"user": f"{user.id}:{user.session_version}", "at": int(time.time()),
                          "next": next_url or ""}


def pending_user():
    """The account half signed in by begin_second_step, while that is recent and still valid."""
    pending = session.get("pending")
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if time.time() - pending["at"] > PENDING_SECONDS:
        return None
    loaded = load_user(pending.get("user"))
    return loaded.user if loaded else None


def end_sessions(user):
    """End every session of `user`, everywhere."""
    user.session_version += 1


def sign_out():
    if current_user.is_authenticated:
        end_sessions(current_user.user)
        db.session.commit()
    logout_user()
    session.clear()


def check_idle():
    """Sign out a session that has been idle too long; returns a redirect when it did."""
    if not current_user.is_authenticated:
        return None
    limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    now = int(time.time())
    seen = session.get("seen", 0)
    if not isinstance(seen, int) or now - seen > limit:
        logout_user()
        session.clear()
        flash(_l("You were signed out after a period without activity. Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    session["seen"] = now
    return None


def private_area(blueprint, *roles):
    """Wire a blueprint of the staff area: idle sessions end, pages are never stored by browsers
    or proxies, and, when `roles` are given, every route of it needs one of them."""
    @blueprint.before_request
    def check_session():
        if roles:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
        return check_idle()

    @blueprint.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response


def private_endpoints(blueprint, endpoints, *roles):
    """private_area's checks for the staff routes (`endpoints`) of a blueprint that also serves
    public pages: signed in, one of `roles`, idle sessions end."""
    @blueprint.before_request
    def check_session():
        if request.endpoint not in endpoints:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        return check_idle()


def require_role(*roles):
    """Signed in, and one of `roles`; other roles get 403 (signed-in users know the area exists)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def init_app(app):
    login_manager.init_app(app)
    # The idle check and the user loader happen per request; "strong" protection would also end
    # a session when the browser's address changes (mobile users move between networks often),
    # which the session version already covers.
    login_manager.session_protection = None
