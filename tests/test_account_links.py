"""Finding 7 (in part): the current-password check is rate-limited like sign-in, and an e-mail or
password change ends every session and every outstanding link of that account."""

from sqlalchemy import select

from portal import create_app
from portal.accounts import passwords
from portal.config import ROOT
from portal.db import db
from portal.models import User
from tests.staff_helpers import ADMIN, BANK_STAFF, csrf_of, login, user_id

NEW_PASSWORD = "a long river under old stone bridges"


def test_the_current_password_check_is_rate_limited(tmp_path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "CONTENT_DIR": ROOT / "content",
                      "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si",
                      "LOGIN_RATE_LIMIT": "3 per minute"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    client = app.test_client()
    assert login(client, BANK_STAFF).status_code == 303
    answers = []
    for guess in range(5):
        csrf = csrf_of(client.get("/en/staff/account").get_data(as_text=True))
        answers.append(client.post("/en/staff/account", data={"csrf_token": csrf, "current": f"guess-{guess}",
                                                              "password": NEW_PASSWORD,
                                                              "confirm": NEW_PASSWORD}).status_code)
    assert answers == [400, 400, 400, 429, 429]


def test_an_e_mail_change_ends_sessions_and_links(app):
    account = app.test_client()
    assert login(account, BANK_STAFF).status_code == 303
    target = user_id(app, BANK_STAFF)
    with app.test_request_context():
        user = db.session.get(User, target)
        link = passwords.make_token(user, "reset")
    admin = app.test_client()
    login(admin, ADMIN)
    html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, target)
        fields = {"csrf_token": csrf_of(html), "email": "bank-a-new@demo.invalid", "name": user.name,
                  "role": user.role, "institution": str(user.institution_id), "lang": user.lang or "zh",
                  "active": "y"}
    try:
        assert admin.post(f"/en/admin/users/{target}", data=fields).status_code == 303
        assert account.get("/en/staff/").status_code == 302  # signed out
        with app.test_request_context():
            assert passwords.user_for_token(link, "reset", lambda i: db.session.get(User, i)) is None
    finally:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.id == target))
            user.email = BANK_STAFF
            db.session.commit()


def test_a_link_names_the_address_it_was_sent_to(app):
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == BANK_STAFF))
        token = passwords.make_token(user, "reset")
        user.email = "someone-else@demo.invalid"  # not committed: only the fingerprint is compared
        assert passwords.user_for_token(token, "reset", lambda i: user) is None
        user.email = BANK_STAFF
        assert passwords.user_for_token(token, "reset", lambda i: user) is user
        db.session.rollback()
