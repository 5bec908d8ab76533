"""Signing in as the demo accounts and making requests to act on, for the staff tests."""

import io
import re

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, Institution, User
from portal.seed import DEMO_PASSWORD
from tests.conftest import submit
from tests.support.forms import csrf_token as csrf_of  # noqa: F401 (the name the staff tests use)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

ADMIN, COORDINATOR = "admin@demo.invalid", "coordinator@demo.invalid"
CENTRE_STAFF, TAOCHENG_STAFF, BANK_STAFF = ("staff-center@demo.invalid", "staff-taocheng@demo.invalid",
                                            "staff-bank-a@demo.invalid")


def login(client, email, password=DEMO_PASSWORD, lang="zh"):
    html = client.get(f"/{lang}/staff/login").get_data(as_text=True)
    return client.post(f"/{lang}/staff/login", data={"csrf_token": csrf_of(html), "email": email,
                                                     "password": password})


def token_for(client, lang="zh"):
    """A CSRF token of the client's current session (from a page that has a form)."""
    response = client.get(f"/{lang}/staff/account")
    if response.status_code != 200:
        response = client.get(f"/{lang}/staff/login")
    return csrf_of(response.get_data(as_text=True))


def make_request(app, client, institution_slug, request_type="pledge-financing", lang="zh", attach=False):
    """Submit a request through the public form, then give it to `institution_slug`. Returns its id."""
    files = [(io.BytesIO(PDF), "营业执照.pdf")] if attach else None
    response = submit(client, lang, request_type, files=files)
    assert response.status_code == 303, response.get_data(as_text=True)
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        request.institution_id = db.session.scalar(select(Institution.id).where(Institution.slug == institution_slug))
        db.session.commit()
        return request.id


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


SEEN_VERSION = re.compile(r'name="seen_version" value="(\d+)"')


def seen_version(client, request_id, lang="zh"):
    """The version the request's page shows its reader (1 when the client cannot open it)."""
    found = SEEN_VERSION.search(client.get(f"/{lang}/staff/requests/{request_id}").get_data(as_text=True))
    return found[1] if found else "1"


def act(client, request_id, action, seen_status, lang="zh", **fields):
    fields.setdefault("seen_version", seen_version(client, request_id, lang))
    return client.post(f"/{lang}/staff/requests/{request_id}", data={
        "csrf_token": token_for(client, lang), "action": action, "seen_status": seen_status, **fields})
