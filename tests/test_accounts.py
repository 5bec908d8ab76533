"""Accounts and sessions: passwords, sign-in, the session version, idle timeout, invitations,
password resets, rate limits, cookies, `flask users create-admin`."""

import re
import time

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts import passwords
from portal.config import ROOT
from portal.db import db
from portal.models import OutboxMessage, User
from tests.staff_helpers import ADMIN, BANK_STAFF, COORDINATOR, csrf_of, login, token_for

LINK = re.compile(r"https://portal\.example(/(?:zh|en)/staff/password/(?:invite|reset)/\S+)")


@pytest.mark.parametrize(("password", "refused"), [
    ("short-pass", True),                      # 10 characters
    ("passwordpassword", True),                # on the common list
    ("password123456", True),                  # common word with digits added
    ("qwertyuiop123!", True),                  # common keyboard walk, symbols added
    ("aaaaaaaaaaaaaaa", True),                 # one repeated letter
    ("staff-bank-a-2026", True),               # contains the e-mail's name
    ("x" * 129, True),
    ("lantern orchard 衡水 kettle", False),
    ("hengshui-demo-2026", False),
])
def test_password_policy(password, refused):
    assert bool(passwords.problems(password, "staff-bank-a@demo.invalid")) is refused


def test_passwords_are_hashed_with_scrypt(app):
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.email == BANK_STAFF))
    assert stored.startswith("scrypt:") and "hengshui" not in stored


def test_the_same_message_for_unknown_user_and_wrong_password(client):
    unknown = login(client, "nobody@demo.invalid", "whatever-password-1")
    wrong = login(client, BANK_STAFF, "not-the-password-9")
    assert unknown.status_code == wrong.status_code == 401
    text = lambda response: re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))  # noqa: E731
    assert text(unknown).replace("nobody@demo.invalid", "X") == text(wrong).replace(BANK_STAFF, "X")


def test_sign_in_starts_a_new_session(app):
    client = app.test_client()
    client.get("/zh/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "before login"
        before_token = session.get("csrf_token")
    assert login(client, BANK_STAFF).status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("csrf_token") != before_token
        user_id = session["_user_id"]
    with app.app_context():
        bank_staff = db.session.scalar(select(User).where(User.email == BANK_STAFF))
        assert user_id == f"{bank_staff.id}:{bank_staff.session_version}"  # the session names this account


def test_next_goes_only_to_this_site(client):
    html = client.get("/zh/staff/login?next=//evil.example/x").get_data(as_text=True)
    response = client.post("/zh/staff/login", data={"csrf_token": csrf_of(html), "email": BANK_STAFF,
                                                    "password": "hengshui-demo-2026", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/zh/staff/"
    client.post("/zh/staff/logout", data={"csrf_token": token_for(client)})
    html = client.get("/zh/staff/login").get_data(as_text=True)
    response = client.post("/zh/staff/login", data={"csrf_token": csrf_of(html), "email": BANK_STAFF,
                                                    "password": "hengshui-demo-2026",
                                                    "next": "/zh/staff/?type=general"})
    assert response.headers["Location"] == "/zh/staff/?type=general"


def test_logout_ends_the_session_on_the_server(app):
    client = app.test_client()
    login(client, BANK_STAFF)
    cookie = client.get_cookie("session").value
    assert client.post("/zh/staff/logout", data={"csrf_token": token_for(client)}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", cookie)  # someone kept a copy of the cookie
    response = replay.get("/zh/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_changing_the_password_ends_other_sessions(app):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, COORDINATOR)
    login(phone, COORDINATOR)
    new = "another long passphrase 77"
    response = laptop.post("/zh/staff/account", data={"csrf_token": token_for(laptop), "current": "hengshui-demo-2026",
                                                      "password": new, "confirm": new})
    assert response.status_code == 303
    assert laptop.get("/zh/staff/").status_code == 200   # this session goes on
    assert phone.get("/zh/staff/").status_code == 302    # the other one has ended
    assert login(app.test_client(), COORDINATOR).status_code == 401
    assert login(app.test_client(), COORDINATOR, new).status_code == 303
    with app.app_context():  # back to the demo password for the other tests
        user = db.session.scalar(select(User).where(User.email == COORDINATOR))
        user.password_hash = passwords.hash_password("hengshui-demo-2026")
        db.session.commit()


def test_a_wrong_current_password_changes_nothing(app):
    client = app.test_client()
    login(client, BANK_STAFF)
    response = client.post("/en/staff/account", data={"csrf_token": token_for(client, "en"),
                                                      "current": "wrong-password-123", "password": "x y z w v u t s",
                                                      "confirm": "x y z w v u t s"})
    assert response.status_code == 400 and "not your current password" in response.get_data(as_text=True)


def test_idle_sessions_end(app):
    client = app.test_client()
    login(client, BANK_STAFF)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    response = client.get("/zh/staff/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/zh/staff/login")


def test_invitation_sets_a_password_once(app, client):
    admin = app.test_client()
    login(admin, ADMIN)
    with app.app_context():
        centre = db.session.scalar(select(User.institution_id).where(User.email == COORDINATOR))
    response = admin.post("/zh/admin/users/new", data={
        "csrf_token": token_for(admin), "email": "New.Staff@Example.com", "name": "李四", "role": "staff",
        "institution": str(centre), "lang": "en", "active": "y"})
    assert response.status_code == 303
    with app.app_context():
        (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "new.staff@example.com"))
        user = db.session.scalar(select(User).where(User.email == "new.staff@example.com"))
        assert user.password_hash is None and "password" not in mail.body.lower().split("http")[0][:0]
    link = LINK.search(mail.body).group(1)
    assert "/en/staff/password/invite/" in link
    assert login(app.test_client(), "new.staff@example.com", "anything-at-all-1").status_code == 401
    invited = app.test_client()
    page = invited.get(link)
    assert page.status_code == 200
    weak = invited.post(link, data={"csrf_token": csrf_of(page.get_data(as_text=True)), "password": "password1234",
                                    "confirm": "password1234"})
    assert weak.status_code == 400 and "common passwords" in weak.get_data(as_text=True)
    chosen = "river stone paper lamp"
    done = invited.post(link, data={"csrf_token": csrf_of(weak.get_data(as_text=True)), "password": chosen,
                                    "confirm": chosen})
    assert done.status_code == 303 and invited.get("/en/staff/").status_code == 200
    assert app.test_client().get(link).status_code == 404  # the link worked once
    assert login(app.test_client(), "new.staff@example.com", chosen).status_code == 303


def test_password_reset_says_the_same_for_unknown_addresses(app):
    client = app.test_client()
    pages = []
    for address in ("staff-bank-a@demo.invalid", "nobody@example.com"):
        html = client.get("/zh/staff/reset").get_data(as_text=True)
        response = client.post("/zh/staff/reset", data={"csrf_token": csrf_of(html), "email": address})
        pages.append((response.status_code, response.get_data(as_text=True)))
    assert pages[0] == pages[1]
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id.is_(None))).all()
    assert [m.recipient for m in mails] == [BANK_STAFF]
    link = LINK.search(mails[0].body).group(1)
    assert "/zh/staff/password/reset/" in link
    assert app.test_client().get(link[:-3] + "abc").status_code == 404  # a damaged link


@pytest.mark.parametrize("path", ["/zh/staff/login", "/zh/staff/reset"])
def test_sign_in_and_reset_are_rate_limited(tmp_path, path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR":
                      tmp_path / "si", "CONTENT_DIR": ROOT / "content", "LOGIN_RATE_LIMIT": "3 per minute",
                      "RESET_RATE_LIMIT": "3 per minute", "WTF_CSRF_ENABLED": False})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    client = app.test_client()
    codes = [client.post(path, data={"email": "a@example.com", "password": "x"}).status_code for _ in range(5)]
    assert codes[3:] == [429, 429] and 429 not in codes[:3]


def test_session_cookie_flags_over_https(tmp_path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR":
                      tmp_path / "si", "CONTENT_DIR": ROOT / "content", "PREFERRED_URL_SCHEME": "https"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    response = client.get("/zh/staff/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_create_admin_command(app, runner):
    weak = runner.invoke(args=["users", "create-admin", "--email", "Boss@Example.com", "--name", "王五"],
                         input="password1234\npassword1234\n" * 3)
    assert weak.exit_code != 0 and "common passwords" in weak.output
    good = runner.invoke(args=["users", "create-admin", "--email", "Boss@Example.com", "--name", "王五"],
                         input="seven blue kites fly\nseven blue kites fly\n")
    assert good.exit_code == 0, good.output
    again = runner.invoke(args=["users", "create-admin", "--email", "boss@example.com", "--name", "王五"])
    assert again.exit_code != 0 and "exists already" in again.output
    assert login(app.test_client(), "boss@example.com", "seven blue kites fly").headers["Location"].endswith(
        "/zh/admin/")
