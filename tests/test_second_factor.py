"""Finding 7: a second factor for staff (TOTP, recovery codes, an administrator's reset),
required in production, optional elsewhere (the demo accounts have none)."""

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts import second_factor
from portal.accounts.enrolment import PendingEnrolment
from portal.config import ROOT
from portal.db import db
from portal.models import AuditEvent, User
from tests.staff_helpers import ADMIN, CENTRE_STAFF, COORDINATOR, csrf_of, login, user_id

SECRET_IN_PAGE = re.compile(r'<code class="secret-key">([A-Z2-7]{32})</code>')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


# The pure core, as a table.
@pytest.mark.parametrize(("offset", "after_last", "accepted"), [
    (0, False, True), (-30, False, True), (30, False, True), (-90, False, False), (90, False, False),
    (0, True, False),  # the step was used already: a code is good once
])
def test_matching_step(offset, after_last, accepted):
    secret, now = pyotp.random_base32(), 1_800_000_000
    code = pyotp.TOTP(secret).at(now + offset)
    last = now // 30 + 1 if after_last else 0
    assert (second_factor.matching_step(secret, code, last, now=now) is not None) is accepted


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_codes_that_are_not_six_ascii_digits_are_refused(typed):
    assert second_factor.matching_step(pyotp.random_base32(), typed, 0) is None


def test_recovery_codes_work_once_each():
    codes, hashes = second_factor.new_recovery_codes()
    assert len(set(codes)) == 10 and not set(codes) & set(hashes)
    left = second_factor.use_recovery_code(hashes, codes[3].upper())
    assert len(left) == 9
    assert second_factor.use_recovery_code(left, codes[3]) is None
    assert second_factor.use_recovery_code(left, "nonsense") is None


def enrol(client, lang="en"):
    """Set up the app from the enrolment page; returns (secret, recovery codes, final response)."""
    html = client.get(f"/{lang}/staff/second-factor").get_data(as_text=True)
    assert "<svg" in html and "<title>" in html
    secret = SECRET_IN_PAGE.search(html)[1]
    response = client.post(f"/{lang}/staff/second-factor", data={"csrf_token": csrf_of(html),
                                                               "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    return secret, RECOVERY.findall(response.get_data(as_text=True)), response


def session_of(app, client):
    """The client's session cookie: its raw text and what it decodes to (signed, not encrypted)."""
    cookie = client.get_cookie("session")
    return cookie.value, app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_the_enrolment_secret_stays_on_the_server(app):
    client = app.test_client()
    login(client, CENTRE_STAFF)
    try:
        html = client.get("/en/staff/second-factor").get_data(as_text=True)
        secret = SECRET_IN_PAGE.search(html)[1]
        raw, decoded = session_of(app, client)
        assert secret not in raw and secret not in repr(decoded)
        with app.app_context():
            row = db.session.scalar(select(PendingEnrolment))
            assert row.secret == secret and row.user_id == user_id(app, CENTRE_STAFF)
            assert row.token_hash not in repr(decoded)  # the table names no session either
        # the same secret while the enrolment lasts; another session gets its own
        again = client.get("/en/staff/second-factor").get_data(as_text=True)
        assert SECRET_IN_PAGE.search(again)[1] == secret
        other = app.test_client()
        login(other, CENTRE_STAFF)
        assert SECRET_IN_PAGE.search(other.get("/en/staff/second-factor").get_data(as_text=True))[1] != secret
        # done: the account has the secret, no pending one is left, the cookie never carried it
        response = client.post("/en/staff/second-factor", data={"csrf_token": csrf_of(again),
                                                                "code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        raw, decoded = session_of(app, client)
        assert secret not in raw and secret not in repr(decoded)
        with app.app_context():
            assert db.session.get(User, user_id(app, CENTRE_STAFF)).totp_secret == secret
            assert db.session.scalars(select(PendingEnrolment)).all() == []
    finally:
        reset(app, CENTRE_STAFF)


def test_an_expired_enrolment_secret_is_replaced(app):
    client = app.test_client()
    login(client, CENTRE_STAFF)
    html = client.get("/en/staff/second-factor").get_data(as_text=True)
    secret = SECRET_IN_PAGE.search(html)[1]
    with app.app_context():
        row = db.session.scalar(select(PendingEnrolment))
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    late = client.post("/en/staff/second-factor", data={"csrf_token": csrf_of(html),
                                                        "code": pyotp.TOTP(secret).now()})
    assert late.status_code == 400  # the old secret is gone; the page shows a new one
    assert SECRET_IN_PAGE.search(late.get_data(as_text=True))[1] != secret
    with app.app_context():
        assert db.session.get(User, user_id(app, CENTRE_STAFF)).totp_secret is None
        assert [r.secret for r in db.session.scalars(select(PendingEnrolment))] != [secret]


def code_step(client, code, lang="en"):
    html = client.get(f"/{lang}/staff/login/code").get_data(as_text=True)
    return client.post(f"/{lang}/staff/login/code", data={"csrf_token": csrf_of(html), "code": code})


def reset(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_secret, user.totp_last_step, user.recovery_hashes = None, None, []
        db.session.commit()


def test_an_enrolled_account_needs_its_code_and_each_code_once(app):
    client = app.test_client()
    login(client, CENTRE_STAFF)
    try:
        secret, codes, _ = enrol(client)
        assert len(codes) == 10
        other = app.test_client()
        response = login(other, CENTRE_STAFF, lang="en")
        assert response.status_code == 303 and response.headers["Location"].endswith("/en/staff/login/code")
        assert other.get("/en/staff/").status_code == 302  # the password alone opens nothing
        assert code_step(other, "000000").status_code == 401
        used = pyotp.TOTP(secret).now()
        # The code used at enrolment, or the same step again, is refused; the next step works.
        if code_step(other, used).status_code == 401:
            time.sleep(30 - time.time() % 30 + 0.5)
            assert code_step(other, pyotp.TOTP(secret).now()).status_code == 303
        assert other.get("/en/staff/").status_code == 200
        # A recovery code signs in once.
        third = app.test_client()
        login(third, CENTRE_STAFF, lang="en")
        assert code_step(third, codes[0]).status_code == 303
        fourth = app.test_client()
        login(fourth, CENTRE_STAFF, lang="en")
        assert code_step(fourth, codes[0]).status_code == 401
    finally:
        reset(app, CENTRE_STAFF)


def test_the_administrators_reset_is_audited_and_ends_sessions(app):
    client = app.test_client()
    login(client, COORDINATOR)
    try:
        enrol(client)
        assert client.get("/en/staff/").status_code == 200
        admin = app.test_client()
        login(admin, ADMIN)
        target = user_id(app, COORDINATOR)
        html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
        assert "second-factor/reset" in html
        assert admin.post(f"/en/admin/users/{target}/second-factor/reset",
                          data={"csrf_token": csrf_of(html)}).status_code == 303
        assert client.get("/en/staff/").status_code == 302  # their session ended
        with app.app_context():
            assert db.session.get(User, target).totp_secret is None
            assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "second-factor-reset")
                                     .order_by(AuditEvent.id.desc())).after == {"id": target}
        assert login(client, COORDINATOR).status_code == 303  # outside production: the password again
    finally:
        reset(app, COORDINATOR)


def test_where_required_the_first_sign_in_enrols(tmp_path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "SECOND_FACTOR_REQUIRED": True,
                      "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    client = app.test_client()
    response = login(client, CENTRE_STAFF, lang="zh")
    assert response.status_code == 303 and response.headers["Location"].endswith("/zh/staff/second-factor")
    assert client.get("/zh/staff/").status_code == 302  # not signed in yet
    _, codes, done = enrol(client, lang="zh")
    assert len(codes) == 10 and "恢复码" in done.get_data(as_text=True)
    assert client.get("/zh/staff/").status_code == 200


def test_production_requires_the_second_factor(tmp_path):
    app = create_app({"PORTAL_ENV": "production", "SECRET_KEY": "k" * 40, "SITE_URL": "https://ip.example",
                      "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"})
    with app.test_request_context():
        from portal.accounts import auth  # noqa: PLC0415
        assert auth.second_factor_required()


def go_stale(client):
    with client.session_transaction() as session:
        session["confirmed_at"] = int(time.time()) - 6 * 60


def test_requester_data_needs_a_fresh_confirmation(app):
    from portal.seed import DEMO_PASSWORD  # noqa: PLC0415
    admin = app.test_client()
    login(admin, ADMIN)
    assert admin.get("/en/admin/requesters").status_code == 200  # just signed in: confirmed
    go_stale(admin)
    response = admin.get("/en/admin/requesters")
    assert response.status_code == 303 and "/en/staff/confirm?next=/en/admin/requesters" in response.headers["Location"]
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    wrong = admin.post("/en/staff/confirm?next=/en/admin/requesters",
                       data={"csrf_token": csrf_of(html), "password": "not-the-password"})
    assert wrong.status_code == 401
    right = admin.post("/en/staff/confirm?next=/en/admin/requesters",
                       data={"csrf_token": csrf_of(html), "password": DEMO_PASSWORD})
    assert right.status_code == 303 and right.headers["Location"].endswith("/en/admin/requesters")
    assert admin.get("/en/admin/requesters").status_code == 200


def test_a_stale_requester_lookup_asks_on_the_form_and_keeps_the_address(app, client):
    from portal.seed import DEMO_PASSWORD  # noqa: PLC0415
    from tests.conftest import submit  # noqa: PLC0415
    assert submit(client, "en", "general", email="asking@example.com").status_code == 303
    admin = app.test_client()
    login(admin, ADMIN)
    html = admin.get("/en/admin/requesters").get_data(as_text=True)
    go_stale(admin)  # the page was left open for more than five minutes
    asked = admin.post("/en/admin/requesters", data={"csrf_token": csrf_of(html), "email": "asking@example.com",
                                                     "operation": "find"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400 and 'name="confirm_password"' in page
    assert 'value="asking@example.com"' in page and "HS20" not in page  # kept, and nothing shown yet
    found = admin.post("/en/admin/requesters", data={"csrf_token": csrf_of(html), "email": "asking@example.com",
                                                     "operation": "find", "confirm_password": DEMO_PASSWORD})
    assert found.status_code == 200 and "1 request found" in found.get_data(as_text=True)


def user_fields(app, html, target, **changes):
    with app.app_context():
        user = db.session.get(User, target)
        return {"csrf_token": csrf_of(html), "email": user.email, "name": user.name, "role": user.role,
                "institution": str(user.institution_id), "lang": user.lang or "zh", "active": "y", **changes}


def test_a_role_change_is_confirmed_on_the_form_and_keeps_the_edit(app):
    from portal.seed import DEMO_PASSWORD  # noqa: PLC0415
    admin = app.test_client()
    login(admin, ADMIN)
    go_stale(admin)
    target = user_id(app, CENTRE_STAFF)
    html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
    assert 'name="confirm_password"' not in html  # asked only when a change needs it
    edit = user_fields(app, html, target, role="coordinator", name="Renamed Staff Member", lang="en")
    asked = admin.post(f"/en/admin/users/{target}", data=edit)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400
    assert 'name="confirm_password"' in page and "give your own password again" in page
    # everything typed is still there: the new name, role and language
    assert 'value="Renamed Staff Member"' in page
    assert re.search(r'<option selected value="coordinator">|<option value="coordinator" selected>', page)
    assert re.search(r'<option selected value="en">|<option value="en" selected>', page)
    with app.app_context():
        assert db.session.get(User, target).role == "staff"
    wrong = admin.post(f"/en/admin/users/{target}", data={**edit, "confirm_password": "not-the-password"})
    assert wrong.status_code == 400 and "The password or the code is not correct." in wrong.get_data(as_text=True)
    assert 'value="Renamed Staff Member"' in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, target).role == "staff"
    right = admin.post(f"/en/admin/users/{target}", data={**edit, "confirm_password": DEMO_PASSWORD})
    assert right.status_code == 303
    with app.app_context():
        changed = db.session.get(User, target)
        assert (changed.role, changed.name, changed.lang) == ("coordinator", "Renamed Staff Member", "en")
    # confirmed now: the next change in the five minutes needs no password
    html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
    assert admin.post(f"/en/admin/users/{target}",
                      data=user_fields(app, html, target, role="staff")).status_code == 303


def test_an_enrolled_administrator_confirms_the_edit_with_a_code(app):
    from portal.seed import DEMO_PASSWORD  # noqa: PLC0415
    admin = app.test_client()
    login(admin, ADMIN)
    try:
        _, codes, _ = enrol(admin)
        go_stale(admin)
        target = user_id(app, CENTRE_STAFF)
        html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
        edit = user_fields(app, html, target, email="moved-staff@demo.invalid")
        page = admin.post(f"/en/admin/users/{target}", data=edit).get_data(as_text=True)
        assert 'name="confirm_code"' in page and 'value="moved-staff@demo.invalid"' in page
        no_code = admin.post(f"/en/admin/users/{target}", data={**edit, "confirm_password": DEMO_PASSWORD})
        assert no_code.status_code == 400
        assert admin.post(f"/en/admin/users/{target}", data={**edit, "confirm_password": DEMO_PASSWORD,
                                                             "confirm_code": codes[0]}).status_code == 303
        with app.app_context():
            assert db.session.get(User, target).email == "moved-staff@demo.invalid"
    finally:
        reset(app, ADMIN)


def test_a_second_factor_reset_when_stale_confirms_then_returns_to_the_account(app):
    admin = app.test_client()
    login(admin, ADMIN)
    go_stale(admin)
    target = user_id(app, CENTRE_STAFF)
    html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
    response = admin.post(f"/en/admin/users/{target}/second-factor/reset", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/staff/confirm?next=/en/admin/users/{target}")


def test_an_enrolled_account_confirms_with_its_code_too(app):
    from portal.seed import DEMO_PASSWORD  # noqa: PLC0415
    client = app.test_client()
    login(client, COORDINATOR)
    try:
        secret, codes, _ = enrol(client)
        go_stale(client)
        html = client.get("/en/staff/confirm").get_data(as_text=True)
        assert 'name="code"' in html
        assert client.post("/en/staff/confirm", data={"csrf_token": csrf_of(html),
                                                      "password": DEMO_PASSWORD}).status_code == 401
        assert client.post("/en/staff/confirm", data={"csrf_token": csrf_of(html), "password": DEMO_PASSWORD,
                                                      "code": codes[1]}).status_code == 303
    finally:
        reset(app, COORDINATOR)
