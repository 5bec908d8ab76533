"""/<lang>/staff/hotline/…: coordinators record 12345 tickets and download what to report back."""

from flask import Blueprint, current_app, g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import auth
from portal.content import privacy_version
from portal.hotline import service
from portal.hotline.forms import TicketForm
from portal.spreadsheet import csv_response
from portal.web import form_page, private, saved

bp = Blueprint("hotline", __name__, template_folder="templates")
auth.private_area(bp, "coordinator")


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = TicketForm()
    if form.validate_on_submit():
        values = {name: form[name].data or "" for name in (
            "request_type", "contact_name", "phone", "organisation", "county", "industry", "description")}
        values["sms_consent_version"] = privacy_version(g.lang) if form.sms_consent.data else None
        try:
            request = service.record(values, ticket_number=form.ticket_number.data,
                                     actor_label=f"user:{current_user.id}", lang=g.lang,
                                     privacy_version=privacy_version(g.lang), site_url=current_app.config["SITE_URL"],
                                     sms_signature=current_app.config["SMS_SIGN_NAME"])
        except service.DuplicateTicket as duplicate:
            form.ticket_number.errors = [_("12345 ticket %(ticket)s is recorded already, as request %(number)s.",
                                           ticket=form.ticket_number.data, number=duplicate.tracking_number)]
        else:
            return saved(_("12345 ticket %(ticket)s is recorded as request %(number)s.",
                           ticket=form.ticket_number.data, number=request.tracking_number),
                         url_for("casework.detail", request_id=request.id))
    return private(form_page("hotline/new.html", form=form))


@bp.get("/export.csv")
def export():
    return private(csv_response(service.report_rows(), "12345-report.csv"))
