"""/<lang>/staff/site-health: the dashboard (administrators, editors, reviewers), and the public
pieces every page links: the contact page, "这个页面有问题？" and the 关怀版 switch.

The dashboard reads what `flask site check` stored and what is already in memory; it never checks
a link while it loads."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import care
from portal.accounts import auth
from portal.limits import configured, limiter
from portal.page_cache import rendered_once
from portal.params import whole_number
from portal.sitehealth import service
from portal.sitehealth.forms import PAGE_MAX, AnswerForm, ReportForm
from portal.web import form_page, private, saved

bp = Blueprint("sitehealth", __name__, template_folder="templates")
HEALTH_ROLES = ("admin", "editor", "reviewer")
STAFF_ENDPOINTS = frozenset({"sitehealth.dashboard", "sitehealth.answer_report"})
_LOCAL_PATH = re.compile(r"\A/(?!/)[^\s\\]*\Z")
auth.private_endpoints(bp, STAFF_ENDPOINTS, *HEALTH_ROLES)


def local_path(text, keep_query=False):
    """A path on this site, or None. Without `keep_query` the query string goes (a report must not
    store what someone searched for); the care-mode switch keeps it, to return to the same page."""
    path, _, query = (text or "").split("#", 1)[0].partition("?")
    if len(path) > PAGE_MAX or not _LOCAL_PATH.match(path) or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return None
    if keep_query and query and len(query) <= 2000 and not any(ord(c) < 32 or c in " \\" for c in query):
        return f"{path}?{query}"
    return path


def outcome_labels():
    return {"ok": _("Works"), "redirect": _("Moved (works)"), "broken": _("Broken"), "loop": _("Redirect loop"),
            "timeout": _("No answer in time"), "error": _("Could not connect"), "robots": _("Not checked: the site "
                                                                                             "asks robots not to"),
            "skipped": _("Not checked in this run (internal links only)")}


def status_labels():
    return {"ok": _("On time"), "soon": _("Due soon"), "stale": _("Out of date"), "empty": _("Empty"),
            "overdue": _("Past the reply limit"), "hard": _("Past the 3-month limit")}


@bp.get("/staff/site-health")
def dashboard():
    now = datetime.now(UTC)
    run = service.latest_run()
    clocks = [clock for clock in service.reply_clocks(now) if clock.state(now) != "ok"]
    return private(render_template(
        "sitehealth/dashboard.html", columns=service.column_states(), run=run, links=service.link_rows(run),
        words=service.word_findings(), clocks=clocks, now=now, reports=service.open_reports(),
        outcomes=outcome_labels(), statuses=status_labels(), answer_form=AnswerForm(formdata=None),
        demo_facts=current_app.config["SITE_FACTS_DEMO"]))


@bp.post("/staff/site-health/reports/<report_id>")
def answer_report(report_id):
    number = whole_number(report_id, 1, 2**31 - 1)
    if number is None:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    if not service.answer_report(number, f"user:{current_user.id}", form.note.data):
        abort(404)
    return saved(_("The report is marked as dealt with."), url_for("sitehealth.dashboard") + "#reports")


@bp.get("/contact")
@rendered_once
def contact():
    return render_template("sitehealth/contact.html")


@bp.route("/report-a-problem", methods=["GET", "POST"])
@limiter.limit(configured("REPORT_RATE_LIMIT"), methods=["POST"])
def report():
    form = ReportForm()
    if request.method == "GET":
        form.page.data = local_path(request.args.get("page")) or ""
    page = local_path(form.page.data) or ""
    if request.method == "POST" and form.validate_on_submit():
        service.save_report(page or "/", g.lang, form.what.data, form.email.data or "")
        return saved(_("Thank you. The editors will look at this page; if you gave an e-mail address, they will "
                       "answer you."), url_for("sitehealth.report_sent", back=page or None))
    return private(form_page("sitehealth/report.html", form=form, page=page))


@bp.get("/report-a-problem/sent")
def report_sent():
    return private(render_template("sitehealth/report_sent.html", back=local_path(request.args.get("back"))))


def _posted_from_here():
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    if not sender or sender == "null":
        return not sender  # no header at all (privacy tools strip both): a display switch only
    return urlsplit(sender).netloc == request.host


@bp.post("/care-mode")
def care_mode():
    """Switch 关怀版 on or off for the visit (a cookie that ends with the browser session).

    The page carrying the switch is cached for everyone, so it holds no per-visitor CSRF token;
    instead a switch posted from another site is refused by its Origin (or Referer) header, which
    browsers send with every cross-site form post."""
    if not _posted_from_here():
        abort(403)
    back = local_path(request.form.get("next"), keep_query=True) or url_for("pages.home")
    response = redirect(back, code=303)
    if request.form.get("on") == "1":
        response.set_cookie(care.COOKIE, "1", httponly=True, samesite="Lax",
                            secure=current_app.config["PREFERRED_URL_SCHEME"] == "https")
    else:
        response.delete_cookie(care.COOKIE, httponly=True, samesite="Lax",
                               secure=current_app.config["PREFERRED_URL_SCHEME"] == "https")
    return response
