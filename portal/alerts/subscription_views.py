"""/<lang>/alerts/subscribe, confirm and unsubscribe. Nothing changes on GET: each link from an
e-mail opens a page with a button. The unsubscribe POST is CSRF-exempt so that a mail program
can send RFC 8058's one-click request; the signed token in the URL is what authorises it."""

from flask import current_app, g, redirect, render_template, request, url_for

from portal.alerts import subscriptions
from portal.alerts.blueprint import bp
from portal.alerts.forms import SubscribeForm
from portal.content import privacy_version
from portal.limits import configured, limiter
from portal.vocab import INDUSTRIES, REGIONS
from portal.web import private


def _secret():
    return current_app.config["SECRET_KEY"]


@bp.route("/alerts/subscribe", methods=["GET", "POST"])
@limiter.limit(configured("SUBMIT_RATE_LIMIT"), methods=["POST"])
def subscribe():
    form = SubscribeForm()
    if request.method == "GET":
        # Arriving from a filtered alert list: start from its choices.
        form.industries.data = [v for v in request.args.getlist("industry") if v in INDUSTRIES]
        form.regions.data = [v for v in request.args.getlist("region") if v in REGIONS]
        form.language.data = g.lang
        form.notices.data = request.args.get("notices") == "1"  # arriving from the notices list
    if form.validate_on_submit():
        subscriptions.subscribe(form.email.data, form.industries.data or [], form.regions.data or [],
                                form.frequency.data, form.language.data, privacy_version(form.language.data),
                                _secret(), current_app.config["SITE_URL"], notices=form.notices.data)
        return redirect(url_for("alerts.sent"), code=303)
    status = 400 if form.errors else 200
    return private(render_template("alerts/subscribe.html", form=form)), status


@bp.get("/alerts/subscribe/sent")
def sent():
    return render_template("alerts/message.html", state="sent")


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    subscription_id = subscriptions.read_token(_secret(), token, "confirm",
                                               max_age=subscriptions.CONFIRM_DAYS * 86400)
    if subscription_id is None:
        return private(render_template("alerts/message.html", state="bad-link")), 404
    if request.method == "POST":  # CSRF-checked like every form
        done = subscriptions.confirm(subscription_id)
        state = "confirmed" if done else "bad-link"
        return private(render_template("alerts/message.html", state=state)), 200 if done else 404
    return private(render_template("alerts/message.html", state="confirm", action=request.path))


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    subscription_id = subscriptions.read_token(_secret(), token, "unsubscribe")
    if subscription_id is None:
        return private(render_template("alerts/message.html", state="bad-link")), 404
    if request.method == "POST":
        subscriptions.unsubscribe(subscription_id)
        # Gone already (or purged) is the outcome asked for, so that is success too.
        return private(render_template("alerts/message.html", state="unsubscribed"))
    return private(render_template("alerts/message.html", state="unsubscribe", action=request.path))

