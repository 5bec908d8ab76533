"""The baseline: a bare Flask app served with the portal's own gunicorn config.

`/` says hello (bench/pages.py, reports.py, search.py). `/zh/requests/new` is the request form's
three steps with nothing behind them (bench/intake.py): the form with its two hidden tokens, a
check page with a Send button, and Send's 303 to a status address, so the client does exactly the
work it does against the portal and the figure is the harness's own ceiling on this machine.
"""

import secrets

from flask import Flask, redirect, request

app = Flask(__name__)

FORM = ('<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" value="bare">'
        '<input id="form_token" name="form_token" type="hidden" value="{token}"><button>Check</button></form>')
CHECK = ('<form method="post"><input name="csrf_token" type="hidden" value="bare">'
         '<input name="form_token" type="hidden" value="{token}"><button name="step" value="send">Send</button></form>')


@app.get("/")
def hello():
    return "hello"


@app.route("/zh/requests/new", methods=["GET", "POST"])
def request_form():
    if request.method == "GET":
        return FORM.format(token=secrets.token_urlsafe(16))
    if request.form.get("step") == "send":
        return redirect(f"/zh/requests/status/{secrets.token_urlsafe(16)}", code=303)
    return CHECK.format(token=request.form.get("form_token", ""))
