"""The honest first-response clock: only a message to the requester or a recorded call counts,
existing data migrated, and the call form's bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from portal import create_app, sla
from portal.config import ROOT
from portal.db import as_utc, db
from portal.models import AssistanceRequest, AuditEvent
from tests.staff_helpers import TAOCHENG_STAFF, act, login, make_request

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def stamp(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy keeps a DateTime in SQLite


def test_the_migration_counts_replies_not_accepts(tmp_path):
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": tmp_path,
                      "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": tmp_path / "si",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0004"]).exit_code == 0
    hour = timedelta(hours=1)
    # id: (first response as the old clock recorded it (the accept), events after receipt)
    cases = {
        1: (T0 + hour, [("assigned", 0), ("accepted", 1)]),                          # only an accept
        2: (T0 + hour, [("assigned", 0), ("accepted", 1), ("replied", 5)]),          # accept, then a reply
        3: (T0 + 9 * hour, [("assigned", 0), ("accepted", 2), ("replied", 3), ("decline", 8), ("assigned", 8),
                            ("accepted", 9)]),                                      # a reply to the old institution
        4: (None, [("assigned", 0)]),                                               # untouched
    }
    with app.app_context():
        for request_id, (first, events) in cases.items():
            db.session.execute(text(
                "INSERT INTO assistance_request (id, tracking_number, status_token, form_token, request_type, lang, "
                "applicant_kind, organisation, contact_name, phone, email, county, industry, description, details, "
                "privacy_version, status, created_at, first_response_at, declined_by) VALUES (:id, :number, :token, "
                ":form, 'general', 'zh', 'enterprise', 'x', 'x', '13803181234', '', '', 'other', 'x', '{}', 'v1', "
                "'accepted', :created, :first, '[]')"),
                {"id": request_id, "number": f"HS2026-{request_id:06d}", "token": f"t{request_id}" * 8,
                 "form": f"f{request_id}" * 8, "created": stamp(T0), "first": first and stamp(first)})
            for action, hours in events:
                db.session.execute(text("INSERT INTO audit_event (request_id, actor, action, public, created_at) "
                                        "VALUES (:id, 'x', :action, 1, :at)"),
                                   {"id": request_id, "action": action, "at": stamp(T0 + hours * hour)})
        db.session.commit()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        first = dict(db.session.execute(select(AssistanceRequest.id, AssistanceRequest.first_response_at)).all())
        db.engine.dispose()
    assert {key: first[key] and as_utc(first[key]) for key in first} == {
        1: None, 2: T0 + 5 * hour, 3: None, 4: None}


def test_accepting_is_not_a_response_and_a_recorded_call_is(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    assert act(staff, request_id, "accept", "assigned").status_code == 303
    with app.app_context():
        request = db.session.get(AssistanceRequest, request_id)
        assert request.first_response_at is None
        arrived = as_utc(request.created_at).astimezone(sla.BEIJING)
    page = staff.get(f"/zh/staff/requests/{request_id}").get_data(as_text=True)
    assert "下班前" in page and "记录一次电话" in page
    called = arrived.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if called > datetime.now(sla.BEIJING):
        called -= timedelta(minutes=1)
    assert act(staff, request_id, "call", "accepted", text="电话说明了需要的材料。",
               called_at=called.strftime("%Y-%m-%dT%H:%M")).status_code == 303
    with app.app_context():
        request = db.session.get(AssistanceRequest, request_id)
        assert as_utc(request.first_response_at) == called
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)
                                   .order_by(AuditEvent.id.desc())).first()
        assert event.action == "called" and event.public and event.after["text"] == "电话说明了需要的材料。"
        token = request.status_token
    status = client.get(f"/en/requests/status/{token}").get_data(as_text=True)
    assert "The institution called you." in status and "需要的材料" not in status  # the summary is internal


@pytest.mark.parametrize("called_at", ["", "soon", "2026-13-40T25:99", "1999-01-01T10:00", "2999-01-01T10:00",
                                       "2026-12-03T14:30\x00", "0001-01-01T00:00"])
def test_a_call_without_a_believable_time_is_refused_and_nothing_changes(app, client, called_at):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    response = act(staff, request_id, "call", "assigned", lang="en", text="Called.", called_at=called_at)
    assert response.status_code == 409 and "Give the date and time of the call" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AssistanceRequest, request_id).first_response_at is None


@pytest.mark.parametrize("called_at", ["2026-12-03T14:30" + "9" * 30, "2026-12-03\nT14:30"])
def test_a_call_time_the_form_refuses_is_named_not_a_server_error(app, client, called_at):
    # Found by the scan: the form's own refusals (too long, a line break) are lazy strings.
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    response = act(staff, request_id, "call", "assigned", lang="en", text="Called.", called_at=called_at)
    assert response.status_code in (400, 409) and "Please check the text" in response.get_data(as_text=True)
