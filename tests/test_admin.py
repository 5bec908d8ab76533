"""Administration (institutions, rules and their preview, audit), retention and a requester's
data (PIPL), and the public service report."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, Attachment, AuditEvent, Institution, RoutingRule, User
from portal.reports.aggregates import aggregate
from tests.conftest import submit
from tests.staff_helpers import ADMIN, BANK_STAFF, act, login, make_request, token_for


def admin_client(app):
    client = app.test_client()
    assert login(client, ADMIN).status_code == 303
    return client


INSTITUTION = {"slug": "notary-demo-two", "kind": "notary", "name_zh": "第二公证处（演示）",
               "name_en": "Second notary (demo)", "services": ["rights-protection"], "counties": ["anping"],
               "email": "Notary2@Demo.invalid", "phone": "", "address_zh": "", "address_en": "", "active": "y"}


def test_institutions_are_created_and_changed_with_an_audit_trail(app):
    admin = admin_client(app)
    bad = admin.post("/zh/admin/institutions/new",
                     data={**INSTITUTION, "slug": "Bad Slug!", "csrf_token": token_for(admin)})
    assert bad.status_code == 400 and "Bad Slug!" in bad.get_data(as_text=True)  # what was typed is kept
    assert admin.post("/zh/admin/institutions/new",
                      data={**INSTITUTION, "csrf_token": token_for(admin)}).status_code == 303
    with app.app_context():
        record = db.session.scalar(select(Institution).where(Institution.slug == "notary-demo-two"))
        assert record.email == "notary2@demo.invalid" and record.counties == ["anping"] and record.active
    changed = {**INSTITUTION, "name_en": "Second notary office (demo)", "csrf_token": token_for(admin)}
    del changed["active"]  # unticked: deactivated
    assert admin.post(f"/en/admin/institutions/{record.id}", data=changed).status_code == 303
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("institution-%"))
                                    .order_by(AuditEvent.id)).all()[-2:]
        assert [e.action for e in events] == ["institution-created", "institution-changed"]
        assert events[1].before["active"] is True and events[1].after["active"] is False
        assert events[1].after["name_en"] == "Second notary office (demo)" and events[1].actor.startswith("user:")
    clash = admin.post("/zh/admin/institutions/new", data={**INSTITUTION, "csrf_token": token_for(admin)})
    assert clash.status_code == 400


def test_a_rule_and_its_preview(app):
    admin = admin_client(app)
    with app.app_context():
        notary = db.session.scalar(select(Institution).where(Institution.slug == "notary"))
    preview = admin.get("/en/admin/rules/try?request_type=rights-protection&county=anping&industry=rubber")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Anping" in text and "rule " in text
    response = admin.post("/zh/admin/rules/new", data={
        "csrf_token": token_for(admin), "priority": "90", "request_type": "rights-protection", "county": "anping",
        "industry": "", "institution": str(notary.id), "note": "安平丝网维权", "active": "y"})
    assert response.status_code == 303
    preview = admin.get("/en/admin/rules/try?request_type=rights-protection&county=anping&industry=rubber")
    assert "Notary office (demo)" in preview.get_data(as_text=True) and "priority 90" in preview.get_data(as_text=True)
    with app.app_context():
        rule = db.session.scalar(select(RoutingRule).where(RoutingRule.priority == 90))
    assert admin.post(f"/zh/admin/rules/{rule.id}/delete", data={"csrf_token": token_for(admin)}).status_code == 303
    with app.app_context():
        assert db.session.get(RoutingRule, rule.id) is None
        deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rule-deleted")
                                    .order_by(AuditEvent.id.desc()))
        assert deleted.before["priority"] == 90 and deleted.after is None
    bad = admin.get("/en/admin/rules/try?request_type=nope&county=%00&industry=")
    assert bad.status_code == 200 and "It would go to" not in bad.get_data(as_text=True)


def test_retention_clears_personal_data_and_keeps_the_counts(app, client, runner):
    request_id = make_request(app, client, "bank-a", attach=True)
    staff = app.test_client()
    login(staff, BANK_STAFF)
    act(staff, request_id, "accept", "assigned")
    act(staff, request_id, "reply", "accepted", text="请联系王经理")
    act(staff, request_id, "answer", "accepted")
    act(staff, request_id, "close", "answered")
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        stored = Path(app.config["UPLOAD_DIR"], req.attachments[0].stored_name)
        assert stored.exists()
        req.closed_at = datetime.now(UTC) - timedelta(days=3 * 365 + 1)
        db.session.commit()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "would be" in dry.output and stored.exists()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0 and result.output.startswith("1 request(s) and 1 attachment(s) were cleared")
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        assert req.anonymized_at and req.email == req.phone == req.contact_name == req.description == ""
        assert req.details == {} and req.credit_code is None
        assert (req.request_type, req.county, req.industry) == ("pledge-financing", "wuyi", "rubber")
        assert db.session.scalars(select(Attachment).where(Attachment.request_id == request_id)).all() == []
        assert all("王经理" not in json.dumps(e.after or {}, ensure_ascii=False) for e in req.events)
        run = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention-run")
                                .order_by(AuditEvent.id.desc()))
        assert run.after["requests"] >= 1
    assert not stored.exists()
    assert runner.invoke(args=["retention", "run"]).output.startswith("0 request(s)")


def test_a_requester_can_get_a_copy_and_have_it_deleted(app, client):
    make_request(app, client, "bank-a")
    admin = admin_client(app)
    found = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin), "email": "ZHANG@example.com",
                                                     "operation": "find"})
    assert found.status_code == 200 and "HS20" in found.get_data(as_text=True)
    export = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin), "email": "zhang@example.com",
                                                      "operation": "export"})
    data = json.loads(export.get_data(as_text=True))
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert data["requests"] and all(r["email"] == "zhang@example.com" for r in data["requests"])
    unconfirmed = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin),
                                                           "email": "zhang@example.com", "operation": "delete"})
    assert unconfirmed.status_code == 400
    deleted = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin), "email": "zhang@example.com",
                                                       "operation": "delete", "confirm": "y"})
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(AssistanceRequest).where(AssistanceRequest.email == "zhang@example.com")
                                  ).all() == []
        actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.request_id.is_(None)))]
        assert "requester-data-exported" in actions and "requester-data-deleted" in actions
        logged = json.dumps([e.after for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.like("requester-data-%")))], ensure_ascii=False)
        assert "zhang@example.com" not in logged  # the audit names requests, not the person


def test_report_aggregates():
    beijing_month_start = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 November in Beijing
    due = beijing_month_start + timedelta(days=2)
    now = beijing_month_start + timedelta(days=10)
    records = [
        (beijing_month_start, 1, due, beijing_month_start + timedelta(hours=4)),    # on time, 4 h
        (beijing_month_start, 1, due, beijing_month_start + timedelta(hours=60)),   # late, 60 h
        (beijing_month_start, 1, due, None),                                        # late, no response
        (beijing_month_start, 2, now + timedelta(days=1), None),                    # still within its time
        (beijing_month_start - timedelta(hours=1), 1, due, None),                   # 31 October in Beijing
    ]
    rows = {(r.month, r.institution_id): r for r in aggregate(records, now)}
    centre = rows[("2026-11", 1)]
    assert (centre.received, centre.responded, centre.median_hours, centre.decided, centre.on_time) == (3, 2, 32.0,
                                                                                                       3, 1)
    assert round(centre.on_time_share, 3) == 0.333
    waiting = rows[("2026-11", 2)]
    assert (waiting.decided, waiting.on_time_share, waiting.median_hours) == (0, None, None)
    assert rows[("2026-10", 1)].received == 1


def test_the_service_report_page(app, client):
    for lang, words in (("zh", "服务报告"), ("en", "Service report")):
        response = client.get(f"/{lang}/service-report")
        assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert "张三" not in client.get("/zh/service-report").get_data(as_text=True)
    odd = client.get("/en/service-report?year=1999")
    assert odd.status_code == 200 and "no report for that year" in odd.get_data(as_text=True)
    assert client.get("/en/service-report?year=%00%FF").status_code == 200


def test_an_administrator_records_an_indicator_value_and_the_public_page_shows_it(app, client):
    admin = admin_client(app)
    form = {"csrf_token": token_for(admin), "indicator": "high-value-invention-patents-per-10k", "value": "1,2x",
            "as_of": "2099-01-01", "source_title": "", "source_url": "ftp://nope"}
    refused = admin.post("/zh/admin/indicators", data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "1,2x" in text and "2099-01-01" in text  # kept for correction
    accepted = admin.post("/en/admin/indicators", data={
        **form, "csrf_token": token_for(admin), "value": "0.98", "as_of": "2025-12-31",
        "source_title": "Test bulletin (test data)", "source_url": "https://example.org/bulletin"})
    assert accepted.status_code == 303
    page = client.get("/en/indicators").get_data(as_text=True)
    assert "0.98" in page and "December 31, 2025" in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "indicator-value-set"))
        assert event.after["value"] == "0.9800" and event.actor.startswith("user:")


def test_retention_also_purges_alert_subscriptions(app, runner):
    from portal.models import AlertSubscription
    with app.app_context():
        db.session.add_all([
            AlertSubscription(email="old-pending@example.com", lang="zh", frequency="weekly", status="pending",
                              privacy_version="x", created_at=datetime.now(UTC) - timedelta(days=8)),
            AlertSubscription(email="gone@example.com", lang="en", frequency="weekly", status="unsubscribed",
                              privacy_version="x"),
            AlertSubscription(email="reader@example.com", lang="en", frequency="weekly", status="active",
                              privacy_version="x")])
        db.session.commit()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "2 alert subscription(s)" in result.output
    with app.app_context():
        left = db.session.scalars(select(AlertSubscription.email)).all()
    assert "reader@example.com" in left and "gone@example.com" not in left and "old-pending@example.com" not in left


def test_a_requester_without_email_is_found_by_phone(app, client):
    assert submit(client, "en", "overseas-risk", phone="+44 20 7946 0000", email="", county="").status_code == 303
    admin = admin_client(app)
    found = admin.post("/en/admin/requesters", data={"csrf_token": token_for(admin), "email": "0044 20 7946 0000",
                                                     "operation": "export"})
    data = json.loads(found.get_data(as_text=True))
    assert [r["phone"] for r in data["requests"]] == ["+442079460000"]
    nobody = admin.post("/en/admin/requesters", data={"csrf_token": token_for(admin), "email": "not a contact",
                                                      "operation": "find"})
    assert nobody.status_code == 400 and "the phone number the requester used" in nobody.get_data(as_text=True)


def test_the_account_form_shows_the_accounts_institution(app):
    """As a browser sends it back: an edit that does not touch the institution keeps it."""
    admin = admin_client(app)
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == BANK_STAFF))
        target, institution_id = staff.id, staff.institution_id
    html = admin.get(f"/en/admin/users/{target}").get_data(as_text=True)
    choices = re.search(r'<select[^>]*name="institution".*?</select>', html, re.S)[0]
    assert re.findall(r'<option selected value="(\d*)"', choices) == [str(institution_id)]
