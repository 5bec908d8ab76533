"""/<lang>/staff/…: sign-in (password, then the second factor), sign-out, password resets,
invitations and one's own account."""

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts import auth, enrolment, identity, links, passwords, second_factor
from portal.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    EnrolForm,
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
)
from portal.db import db
from portal.limits import limiter
from portal.models import AuditEvent, User
from portal.web import form_page, private, saved

bp = Blueprint("accounts", __name__, template_folder="templates")


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


auth.private_area(bp)  # the sign-in pages are open; every other route names its roles


def home_for(user):
    if user.role in ("editor", "reviewer"):
        return url_for("publishing.index")  # by name: the publishing feature sits above accounts
    return url_for("admin.index") if user.role == "admin" else url_for("casework.queue")


# Sign-in and passwords

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    failed = False
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        ok = passwords.verify(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            if user.totp_secret or auth.second_factor_required():
                auth.begin_second_step(user, auth.safe_next(form.next.data, ""))
                return redirect(url_for("accounts.second_step" if user.totp_secret else "accounts.enrol"), code=303)
            return signed_in(user, form.next.data)
        failed = True  # the same words for an unknown address, a wrong password, a closed account
    status = 200 if request.method == "GET" else (401 if failed else 400)
    return render_template("accounts/login.html", form=form, failed=failed), status


def signed_in(user, next_url):
    user.last_login_at = datetime.now(UTC)
    db.session.commit()
    auth.start_session(user)
    return redirect(auth.safe_next(next_url, home_for(user)), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def second_step():
    user = auth.pending_user()
    if user is None or not user.totp_secret:
        flash(_("Please sign in to continue."), "info")
        return redirect(url_for("accounts.login"), code=303)
    form = CodeForm()
    failed = False
    if form.validate_on_submit():
        if identity.accept_code(user, form.code.data):
            return signed_in(user, session["pending"].get("next"))
        failed = True
    return private((render_template("accounts/second_step.html", form=form, failed=failed),
                    401 if failed else (400 if form.errors else 200)))


@bp.route("/confirm", methods=["GET", "POST"])
@auth.require_role(*auth.ROLES)
@limiter.limit(login_limit, methods=["POST"])
def confirm():
    """The password again (and a code when enrolled) before a sensitive change; good for five minutes."""
    user = current_user.user
    form = ConfirmForm()
    failed = False
    if form.validate_on_submit():
        if identity.confirm(user, form.password.data, form.code.data):
            return redirect(auth.safe_next(request.args.get("next"), url_for("accounts.account")), code=303)
        failed = True
    return private((render_template("accounts/confirm.html", form=form, failed=failed, enrolled=bool(user.totp_secret)),
                    401 if failed else (400 if form.errors else 200)))


@bp.route("/second-factor", methods=["GET", "POST"])
def enrol():
    """Setting up the authenticator app: at the first sign-in where it is required, or from the
    account page. Changing an enrolled factor goes through an administrator's reset."""
    user = current_user.user if current_user.is_authenticated else auth.pending_user()
    if user is None:
        return auth.login_manager.unauthorized()
    if user.totp_secret:
        return redirect(url_for("accounts.account"), code=303)
    if current_user.is_authenticated and not auth.recently_confirmed():
        return auth.ask_to_confirm()  # a second-factor change, in a session perhaps left open
    secret = enrolment.pending_secret(user)  # kept server-side: the session holds only a token
    form = EnrolForm()
    failed = False
    if form.validate_on_submit():
        step = second_factor.matching_step(secret, form.code.data, 0)
        if step is not None:
            codes, hashes = second_factor.new_recovery_codes()
            user.totp_secret, user.totp_last_step, user.recovery_hashes = secret, step, hashes
            db.session.add(AuditEvent(actor=f"user:{user.id}", action="second-factor-enrolled", after={"id": user.id}))
            enrolment.finish(user)
            next_url = (session.get("pending") or {}).get("next")
            auth.end_sessions(user)  # a new factor: every other session signs in again
            user.last_login_at = datetime.now(UTC)
            db.session.commit()
            auth.start_session(user)
            return private(render_template("accounts/recovery_codes.html", codes=codes,
                                           next_url=auth.safe_next(next_url, home_for(user))))
        failed = True
    uri = second_factor.enrolment_uri(secret, user.email)
    qr = Markup(second_factor.qr_svg(uri, _("QR code for your authenticator app")))  # noqa: S704 (segno's SVG)
    return private((render_template("accounts/enrol.html", form=form, failed=failed, qr=qr, secret=secret),
                    400 if failed or form.errors else 200))


@bp.post("/logout")
def logout():
    auth.sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.lower(), User.active))
        if user is not None and user.password_hash:
            links.send_account_link(user, "reset")
            db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("accounts/reset_sent.html"), 200
    return form_page("accounts/reset.html", form=form)


@bp.route("/password/<any(invite, reset):purpose>/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def set_password(purpose, token):
    user = passwords.user_for_token(token, purpose, lambda user_id: db.session.get(User, user_id))
    if user is None:
        return render_template("accounts/link_expired.html", purpose=purpose), 404
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user.password_hash = passwords.hash_password(form.password.data)
        auth.end_sessions(user)  # any session from before the reset ends; this link stops working
        db.session.commit()
        auth.start_session(user)
        return saved(_("Your password is set. You are signed in."), home_for(user))
    return private((render_template("accounts/set_password.html", form=form, purpose=purpose, account=user),
                    200 if request.method == "GET" else 400))


@bp.route("/account", methods=["GET", "POST"])
@auth.require_role(*auth.ROLES)
@limiter.limit(login_limit, methods=["POST"])  # the current-password check is guessed like sign-in
def account():
    form = ChangePasswordForm()
    user = current_user.user
    form.account_email = user.email
    if form.validate_on_submit():
        if not passwords.verify(user.password_hash, form.current.data):
            form.current.errors = [_("This is not your current password.")]
        else:
            user.password_hash = passwords.hash_password(form.password.data)
            auth.end_sessions(user)  # every other session ends; this one starts again
            db.session.commit()
            auth.start_session(user)
            return saved(_("Your password has been changed. Other sessions have been signed out."),
                         url_for("accounts.account"))
    return form_page("accounts/account.html", form=form, roles=auth.ROLES)
