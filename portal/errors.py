"""Error pages in the visitor's language, never a stack trace.

Unexpected exceptions are logged with an incident id (and no request data, which may hold
personal data); the visitor sees the same id so a support request can be matched to the log.
"""

import logging
import secrets

from flask import current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("The request could not be understood"),
          _l("Something in the address or the form was not valid. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"),
          _l("We could not find this page. It may have moved, or the address may be mistyped.")),
    405: (_l("Not allowed"),
          _l("This page cannot be used this way. Go back and use the page's own links and buttons.")),
    429: (_l("Too many attempts"),
          _l("You have tried this many times in a short while. Please wait a few minutes and try again.")),
    413: (_l("Upload too large"),
          _l("What you sent is larger than the portal accepts. Send smaller files, or fewer at a time.")),
    503: (_l("The portal is briefly unavailable"),
          _l("Part of the portal is not answering just now, so nothing you sent was saved. "
             "Please try again in a few minutes.")),
    500: (_l("Something went wrong on our side"),
          _l("The portal could not finish your request. Nothing you did caused this. "
             "Please try again in a few minutes.")),
}


BARE_PAGE = ('<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{code}</title>'
             '<h1>无法处理该请求 · The request could not be understood</h1>'
             '<p>请检查网址后重试。 Please check the address and try again.</p>'
             '<footer><p>主办单位 Operator: {operator} · <a href="https://beian.miit.gov.cn/">{icp}</a></p></footer></html>')


def render_error(code, incident=None):
    title, explanation = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    html = render_template("error.html", code=code, title=title, explanation=explanation, incident=incident)
    return html, code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Usually a form left open for hours, or cookies switched off: explain and offer it again.
        title = _l("This form has expired")
        explanation = _l("For your security, forms can only be sent for a limited time and with cookies on. "
                         "Nothing was saved. Please open the form again and send it.")
        back = request.full_path if request.method == "POST" else None
        html = render_template("error.html", code=400, title=title, explanation=explanation, incident=None,
                               retry_url=back)
        return html, 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code and error.code < 400:
            return error
        response = error.get_response()
        if request_ctx.url_adapter is None:
            # The request was refused before routing (a Host not in TRUSTED_HOSTS): no URL can be
            # built, so the page is a fixed one, in both languages, echoing nothing it was sent.
            # The footer's identifiers are the settings', never anything from the request.
            response.set_data(BARE_PAGE.format(code=error.code, operator=escape(current_app.config["SITE_OPERATOR_ZH"]),
                                               icp=escape(current_app.config["ICP_NUMBER"])))
            response.content_type = "text/html; charset=utf-8"
            return response
        body, code = render_error(error.code or 500)
        response.set_data(body)
        response.status_code = code
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DisconnectionError)
    def database_unavailable(error):
        # The database is down or unreachable: the transaction was rolled back, so nothing is
        # half-saved. The pool reconnects by itself (pool_pre_ping) once it answers again.
        # OperationalError is the DB-API's class for exactly this (unreachable, shut down,
        # locked for too long), not for a bad query.
        incident = secrets.token_hex(4)
        log.error("incident %s: database unavailable (%s)", incident, type(error.orig if
                  isinstance(error, DBAPIError) else error).__name__)
        return render_error(ServiceUnavailable.code, incident)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        incident = secrets.token_hex(4)
        log.exception("incident %s: unhandled %s", incident, type(error).__name__)
        return render_error(InternalServerError.code, incident)
