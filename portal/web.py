"""View helpers shared by every feature: responses that must not be stored, and the ending of a
form that saved something (flash the message, then redirect with 303 so a reload does not post
again)."""

from flask import current_app, flash, make_response, redirect, render_template, request, url_for


def private(response):
    """Pages with personal data or per-visitor tokens are never stored by browsers or proxies."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def saved(message, location):
    """After a successful POST: say what happened on the next page, which a GET opens."""
    flash(message, "success")
    return redirect(location, code=303)


def form_page(template, **context):
    """A form's page: 200 when it is first shown, 400 when a sent form comes back with its errors."""
    return render_template(template, **context), 200 if request.method == "GET" else 400


def status_url(assistance_request, external=False):
    """The requester's private status page (in e-mails: external, with SITE_URL, never the Host)."""
    path = url_for("requests.status", lang=assistance_request.lang, token=assistance_request.status_token)
    return current_app.config["SITE_URL"] + path if external else path
