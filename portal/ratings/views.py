"""/<lang>/requests/rate/<token>: the requester rates (no sign-in: the private status link, which
the tracking page's number + phone digits also lead to). /<lang>/staff/follow-ups/: coordinators
follow up bad ratings."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import auth
from portal.db import db
from portal.limits import configured, limiter
from portal.models import AssistanceRequest, RatingFollowUp
from portal.params import whole_number
from portal.ratings import service
from portal.ratings.forms import FollowUpForm, RatingForm, level_labels
from portal.validators import is_token
from portal.web import private, saved, status_url

bp = Blueprint("ratings", __name__, template_folder="templates")
# The follow-ups are in the staff area (under /<lang>/staff/): coordinators only, idle sessions end.
STAFF_ENDPOINTS = frozenset({"ratings.follow_ups", "ratings.follow_up"})
auth.private_endpoints(bp, STAFF_ENDPOINTS, "coordinator")


def _by_status_token(token, for_update=False):
    if not is_token(token):
        abort(404)
    query = select(AssistanceRequest).where(AssistanceRequest.status_token == token)
    req = db.session.scalar(query.with_for_update() if for_update else query)
    if req is None:
        abort(404)
    return req


def refusal_text(reason):
    return {
        "not-yet": _("You can rate your request once it has been answered or closed."),
        "window-closed": _("Your rating can be changed for 7 days after you gave it; that time has passed."),
        "removed": _("The personal data of this request has been removed, so it can no longer be rated."),
    }.get(reason, "")


@bp.route("/requests/rate/<token>", methods=["GET", "POST"])
@limiter.limit(configured("SUBMIT_RATE_LIMIT"), methods=["POST"])
def rate(token):
    req = _by_status_token(token, for_update=request.method == "POST")
    decision, rating = service.state(req)
    form = RatingForm(obj=rating) if request.method == "GET" else RatingForm()
    code = 200
    if request.method == "POST":
        if decision not in ("new", "change"):
            code = 409
        elif form.validate_on_submit():
            try:
                service.rate(req, form.level.data, form.comment.data)
            except service.RatingRefused:
                code = 409  # the window closed between the page and the click
            else:
                return redirect(status_url(req) + "?rated=1", code=303)
        else:
            code = 400
        decision, rating = service.state(req)
    return private((render_template("ratings/rate.html", req=req, form=form, decision=decision, rating=rating,
                                    refusal=refusal_text(decision), labels=level_labels()), code))


@bp.get("/staff/follow-ups/")
def follow_ups():
    rows = service.open_follow_ups()
    return private(render_template("ratings/follow_ups.html", rows=rows, ratings={
        r.request_id: r for r in (service.rating_of(f.request) for f in rows) if r}, labels=level_labels()))


@bp.route("/staff/follow-ups/<follow_up_id>", methods=["GET", "POST"])
def follow_up(follow_up_id):
    number = whole_number(follow_up_id, 1, 2**31 - 1)  # the key's range: beyond it no row, and no query
    item = db.session.get(RatingFollowUp, number) if number else None
    if item is None:
        abort(404)
    form = FollowUpForm()
    code = 200
    if request.method == "POST":
        if item.closed_at is None and form.validate_on_submit():
            if service.close_follow_up(item.id, f"user:{current_user.id}", form.action_taken.data,
                                       form.called_back.data == "yes"):
                return saved(_("The follow-up is closed."), url_for("ratings.follow_ups"))
            code = 409
        else:
            code = 409 if item.closed_at is not None else 400
        db.session.refresh(item)
    return private((render_template("ratings/follow_up.html", item=item, form=form,
                                    rating=service.rating_of(item.request), labels=level_labels()), code))
