"""The staff workspace: the action table, authorization on every route, the service clock's
escalation, replies reaching the requester by e-mail and on the tracking page, exports."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import sla
from portal.casework import workflow
from portal.casework.service import escalate_overdue
from portal.db import as_utc, db
from portal.models import AssistanceRequest, Attachment, AuditEvent, Institution, OutboxMessage
from portal.notify.outbox import SMTPTransport, send_pending
from tests.staff_helpers import (
    ADMIN,
    BANK_STAFF,
    COORDINATOR,
    TAOCHENG_STAFF,
    act,
    csrf_of,
    login,
    make_request,
    seen_version,
    token_for,
)

S, C = "staff", "coordinator"
# Written out by hand, not derived from the code: (action, status) -> roles allowed.
EXPECTED = {
    ("accept", "assigned"): {S, C},
    ("decline", "assigned"): {S, C}, ("decline", "accepted"): {S, C},
    **{("note", status): {S, C} for status in ("received", "assigned", "accepted", "answered", "closed")},
    ("reply", "accepted"): {S, C}, ("reply", "answered"): {S, C},
    ("call", "assigned"): {S, C}, ("call", "accepted"): {S, C}, ("call", "answered"): {S, C},
    ("answer", "accepted"): {S, C},
    ("close", "answered"): {S, C},
    ("reopen", "answered"): {S, C}, ("reopen", "closed"): {S, C},
    ("reassign", "received"): {C}, ("reassign", "assigned"): {C}, ("reassign", "accepted"): {C},
    ("reassign", "answered"): {C},
    ("close-unanswered", "received"): {C}, ("close-unanswered", "assigned"): {C},
    ("close-unanswered", "accepted"): {C},
}


@pytest.mark.parametrize("action", list(workflow.ACTIONS) + ["delete", ""])
@pytest.mark.parametrize("status", workflow.ALL_STATUSES)
@pytest.mark.parametrize("role", ["staff", "coordinator", "admin", "anonymous"])
def test_the_action_table(action, status, role):
    assert workflow.allowed(action, status, role) == (role in EXPECTED.get((action, status), set()))


def test_available_actions_follow_the_table():
    assert workflow.available("assigned", "staff") == ["accept", "decline", "note", "call"]
    assert workflow.available("closed", "staff") == ["note", "reopen"]
    assert "reassign" in workflow.available("answered", "coordinator")


def test_accept_reply_answer_close_and_the_tracking_page(app, client, smtp_server):
    controller, inbox = smtp_server
    request_id = make_request(app, client, "bank-a", lang="en")
    smtp = SMTPTransport(controller.hostname, controller.port)
    with app.app_context():
        assert send_pending(smtp, "portal@portal.invalid") == (2, 0)  # the acknowledgement and the notice
        inbox.messages.clear()
        status_path = f"/en/requests/status/{db.session.get(AssistanceRequest, request_id).status_token}"
    staff = app.test_client()
    assert login(staff, BANK_STAFF).status_code == 303
    assert act(staff, request_id, "accept", "assigned").status_code == 303
    reply = "请带上专利证书原件和近两年的财务报表，周三上午来行里面谈。<b>bold?</b>"
    assert act(staff, request_id, "reply", "accepted", text=reply).status_code == 303
    assert act(staff, request_id, "note", "accepted", text="内部：客户信用良好").status_code == 303
    assert act(staff, request_id, "answer", "accepted").status_code == 303
    assert act(staff, request_id, "close", "answered").status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        assert req.status == "closed" and req.first_response_at and req.answered_at and req.closed_at
        actions = [e.action for e in req.events]
        assert actions[-5:] == ["accepted", "replied", "note", "answered", "closed"]
        assert {e.actor for e in req.events[-5:]} == {f"user:{req.events[-1].actor.split(':')[1]}"}
        assert send_pending(smtp, "portal@portal.invalid") == (2, 0)  # the reply; one rating invitation
    # The requester's e-mail, in the requester's language, with the reply and the tracking link.
    message, invitation = inbox.messages
    assert "How was your request" in invitation["Subject"] and "/en/requests/rate/" in invitation.get_content()
    assert message["To"] == "zhang@example.com" and "reply to your request" in message["Subject"]
    body = message.get_content()
    assert reply in body and f"https://portal.example{status_path}" in body
    # The public tracking page shows the reply (escaped) and never the internal note.
    page = client.get(status_path).get_data(as_text=True)
    assert "周三上午来行里面谈" in page and "&lt;b&gt;bold?&lt;/b&gt;" in page
    assert "客户信用良好" not in page
    assert "The institution answered it." in page and "It was closed." in page


def test_decline_routes_again_without_the_institutions_that_declined(app, client):
    request_id = make_request(app, client, "bank-a")
    staff = app.test_client()
    login(staff, BANK_STAFF)
    assert act(staff, request_id, "decline", "assigned", text="").status_code == 409  # a reason is required
    response = act(staff, request_id, "decline", "assigned", text="本行暂不办理此类质押")
    assert response.status_code == 303 and response.headers["Location"].endswith("/zh/staff/")
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        bank_a, bank_b = (db.session.scalar(select(Institution.id).where(Institution.slug == s))
                          for s in ("bank-a", "bank-b"))
        assert req.declined_by == [bank_a] and req.institution_id == bank_b and req.status == "assigned"
        assert req.due_at is not None
        notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                                OutboxMessage.purpose.like("institution-notice-%"))).all()
        assert [n.recipient for n in notices] == ["bank-b@demo.invalid"]
    assert staff.get(f"/zh/staff/requests/{request_id}").status_code == 404  # no longer theirs


def test_a_stale_form_changes_nothing(app, client):
    request_id = make_request(app, client, "bank-a")
    staff = app.test_client()
    login(staff, BANK_STAFF)
    assert act(staff, request_id, "accept", "assigned").status_code == 303
    again = act(staff, request_id, "accept", "assigned")  # a second tab, still showing "assigned"
    assert again.status_code == 409 and "有人在您阅读时更改了这条请求" in again.get_data(as_text=True)
    refused = act(staff, request_id, "close", "accepted")  # not allowed from accepted
    assert refused.status_code == 409


def test_coordinators_see_everything_and_reassign(app, client):
    # From one workstation to another: the same kind of recipient, so the move needs no new consent
    # (a move to another kind waits for it: test_move_consent.py).
    request_id = make_request(app, client, "workstation-jizhou", request_type="general")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    assert coordinator.get(f"/zh/staff/requests/{request_id}").status_code == 200
    with app.app_context():
        target = db.session.scalar(select(Institution.id).where(Institution.slug == "workstation-taocheng"))
    # The reassign list offers the institutions that provide the service, the rest behind "show all".
    page = coordinator.get(f"/en/staff/requests/{request_id}").get_data(as_text=True)
    everything = coordinator.get(f"/en/staff/requests/{request_id}?all=1").get_data(as_text=True)
    assert "Show all institutions" in page and page.count("<option") < everything.count("<option")
    refused = act(coordinator, request_id, "reassign", "assigned", lang="en", institution=str(target))
    assert refused.status_code == 409 and "Please write the text first." in refused.get_data(as_text=True)
    assert act(coordinator, request_id, "reassign", "assigned", institution=str(target),
               text="The owner is in Taocheng; the workstation is nearer.").status_code == 303
    with app.app_context():
        req = db.session.get(AssistanceRequest, request_id)
        [moved] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                                 OutboxMessage.purpose.like("moved-%"))).all()
        assert moved.recipient == req.email and req.institution.name("zh") in moved.subject
        assert "nearer" not in moved.body  # the reason is for staff; the requester learns who has it
        token = req.status_token
        new_name = req.institution.name("en")
    assert new_name in client.get(f"/en/requests/status/{token}").get_data(as_text=True)
    taocheng = app.test_client()
    login(taocheng, TAOCHENG_STAFF)
    assert taocheng.get(f"/zh/staff/requests/{request_id}").status_code == 200
    staff = app.test_client()
    login(staff, BANK_STAFF)
    assert staff.get(f"/zh/staff/requests/{request_id}").status_code == 404


def test_staff_screens_show_words_not_field_names(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="school-visit")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    detail = staff.get(f"/en/staff/requests/{request_id}").get_data(as_text=True)
    assert "Number of pupils" in detail and "Junior secondary, Senior secondary" in detail
    assert "<dt>pupils</dt>" not in detail and "grade_levels" not in detail
    assert "The requester" in detail and "Routing rules" in detail  # actors in words, not "routing"
    queue = staff.get("/en/staff/?status=all").get_data(as_text=True)
    assert "Organisation and what they need" in queue and "衡水示例橡胶有限公司" in queue
    assert "我们的产品在网上被仿冒销售" in queue  # a one-line summary


def test_the_queue_filters_and_sorts_by_due_time(app, client):
    first = make_request(app, client, "workstation-taocheng", request_type="rights-protection")
    second = make_request(app, client, "workstation-taocheng", request_type="general")
    with app.app_context():
        db.session.get(AssistanceRequest, first).due_at = datetime.now(UTC) - timedelta(hours=1)  # overdue
        db.session.get(AssistanceRequest, second).due_at = datetime.now(UTC) + timedelta(days=1)
        db.session.commit()
        numbers = {i: db.session.get(AssistanceRequest, i).tracking_number for i in (first, second)}
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    page = staff.get("/zh/staff/").get_data(as_text=True)
    assert page.index(numbers[first]) < page.index(numbers[second])
    overdue = staff.get("/zh/staff/?overdue=y").get_data(as_text=True)
    assert numbers[first] in overdue and numbers[second] not in overdue
    only_general = staff.get("/en/staff/?type=general").get_data(as_text=True)
    assert numbers[second] in only_general and numbers[first] not in only_general
    bad = staff.get("/en/staff/?status=nope&type=%00&page=-3")
    assert bad.status_code == 200 and "not valid" in bad.get_data(as_text=True)


def test_escalation_is_sent_once(app, client, runner):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    with app.app_context():
        db.session.get(AssistanceRequest, request_id).due_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
    for _ in range(2):
        result = runner.invoke(args=["sla", "check"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id,
                                                            AuditEvent.action == "escalated")).all()
        assert len(events) == 1
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                              OutboxMessage.purpose.like("escalation-%"))).all()
        assert [m.recipient for m in mails] == ["coordinator@demo.invalid"]
        assert "13803181234" not in mails[0].body and "张三" not in mails[0].body
    # Accepting is not a response (issue 16: the clock measured a click); a recorded call is.
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    act(staff, request_id, "accept", "assigned")
    with app.app_context():
        assert db.session.get(AssistanceRequest, request_id).first_response_at is None
    called = datetime.now(sla.BEIJING).replace(second=0, microsecond=0)
    act(staff, request_id, "call", "accepted", text="Called back, explained the documents needed.",
        called_at=called.strftime("%Y-%m-%dT%H:%M"))
    with app.app_context():
        assert as_utc(db.session.get(AssistanceRequest, request_id).first_response_at) == called


def test_escalation_e_mail_reaches_a_real_smtp_server(app, client, smtp_server):
    controller, inbox = smtp_server
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    smtp = SMTPTransport(controller.hostname, controller.port)
    with app.app_context():
        assert send_pending(smtp, "portal@portal.invalid") == (2, 0)  # the acknowledgement and the notice
        inbox.messages.clear()
        db.session.get(AssistanceRequest, request_id).due_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
        assert escalate_overdue() == 1  # the only request in the database, now overdue
        assert send_pending(smtp, "portal@portal.invalid") == (1, 0)
    (overdue,) = inbox.messages
    assert overdue["To"] == "coordinator@demo.invalid" and "逾期" in overdue["Subject"]


def test_attachments_download_only_as_attachments(app, client):
    request_id = make_request(app, client, "bank-a", attach=True)
    with app.app_context():
        attachment = db.session.scalar(select(Attachment).where(Attachment.request_id == request_id))
    url = f"/zh/staff/requests/{request_id}/attachments/{attachment.id}"
    staff = app.test_client()
    login(staff, BANK_STAFF)
    response = staff.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    other = app.test_client()
    login(other, TAOCHENG_STAFF)
    assert other.get(url).status_code == 404
    assert staff.get(f"/zh/staff/requests/{request_id}/attachments/{attachment.id + 10000}").status_code == 404
    response.close()


def test_csv_export_has_only_reporting_columns(app, client):
    mine = make_request(app, client, "bank-a")
    theirs = make_request(app, client, "workstation-taocheng", request_type="general")
    with app.app_context():
        numbers = {i: db.session.get(AssistanceRequest, i).tracking_number for i in (mine, theirs)}
    staff = app.test_client()
    login(staff, BANK_STAFF)
    response = staff.get("/zh/staff/export.csv")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["tracking_number", "request_type", "county"]
    listed = {row[0] for row in rows[1:]}
    assert numbers[mine] in listed and numbers[theirs] not in listed
    text = response.get_data(as_text=True)
    for personal in ("张三", "13803181234", "zhang@example.com", "仿冒"):
        assert personal not in text
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    everything = coordinator.get("/zh/staff/export.csv").get_data(as_text=True)
    assert numbers[mine] in everything and numbers[theirs] in everything


# Authorization on every staff and admin route

PUBLIC = {"accounts.login", "accounts.logout", "accounts.reset_request", "accounts.set_password",
          "accounts.second_step"}  # the code step needs a half-finished sign-in, tested in test_second_factor
REQUEST_SPECIFIC = {"casework.detail", "casework.act", "casework.attachment"}
WORKSPACE = {"casework.queue", "casework.export"} | REQUEST_SPECIFIC
FOR_EVERY_ROLE = {"accounts.account", "accounts.enrol", "accounts.confirm"}
# Bad ratings' follow-ups and 12345 tickets: coordinators only; what a coordinator gets from each.
COORDINATORS_ONLY = {"ratings.follow_ups": {200}, "ratings.follow_up": {404}, "hotline.new": {200, 400},
                     "hotline.export": {200}}
CONTENT = {"publishing.index", "publishing.new_page", "publishing.edit", "publishing.document", "publishing.act",
           "publishing.compare", "publishing.restore", "publishing.confirm_term",
           # The files notices and policy files carry (issue 14): upload, download, delete.
           "columns.staff_attachments", "columns.staff_download", "columns.delete_attachment"}
# The site-health dashboard: administrators and the IP office's editors and reviewers.
SITE_HEALTH = {"sitehealth.dashboard": {200}, "sitehealth.answer_report": {400, 404}}
SITE_HEALTH_ROLES = ("admin", "editor", "reviewer")
EDITORIAL = ("editor", "reviewer")
# Events' organiser pages: staff and coordinators; an event that is not theirs (here: no event at
# all, the slug is a guide's) is a 404; administrators and editors get 403 (tests/test_events.py
# has the organiser, the partner bank and another institution on a real event).
EVENTS = {"events.staff_index", "events.staff_event", "events.staff_check_in", "events.staff_message",
          "events.staff_export", "events.staff_sign_in_sheet"}
STAFF_AREA = ("/<language:lang>/staff", "/<language:lang>/admin")


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        # Found by address, not by blueprint: a new feature's route under /staff/ or /admin/ is swept.
        if rule.rule.startswith(STAFF_AREA) and rule.endpoint not in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def url_for_rule(rule, values):
    return rule.build({key: values[key] for key in rule.arguments}, append_unknown=False)[1]


@pytest.fixture()
def bank_request(app, client):
    request_id = make_request(app, client, "bank-a", attach=True)
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id).where(Attachment.request_id == request_id))
    return {"lang": "zh", "request_id": request_id, "attachment_id": attachment_id, "institution_id": 1,
            "user_id": 1, "rule_id": 1, "follow_up_id": 999999, "report_id": 999999, "section": "guides",
            "slug": "trademark-registration", "doc_lang": "zh", "token": "0" * 32}


def test_every_staff_route_is_covered_by_the_sweep(app):
    endpoints = {rule.endpoint for rule, _method in staff_routes(app)}
    assert endpoints == WORKSPACE | FOR_EVERY_ROLE | set(COORDINATORS_ONLY) | CONTENT | set(SITE_HEALTH) | EVENTS | {
        e for e in endpoints if e.startswith("admin.")}
    assert len([e for e in endpoints if e.startswith("admin.")]) >= 10


@pytest.mark.parametrize("who", ["anonymous", "other-institution", "admin", "coordinator", *EDITORIAL])
def test_authorization_sweep(app, bank_request, who):
    client = app.test_client()
    if who == "anonymous":
        token = csrf_of(client.get("/zh/staff/login").get_data(as_text=True))
    else:
        email = {"other-institution": TAOCHENG_STAFF, "admin": ADMIN, "coordinator": COORDINATOR,
                 "editor": "editor@demo.invalid", "reviewer": "reviewer@demo.invalid"}[who]
        assert login(client, email).status_code == 303
        token = token_for(client)
    checked = 0
    for rule, method in staff_routes(app):
        if who == "admin" and method == "POST" and rule.endpoint.startswith("admin."):
            continue  # administrators may change these (test_admin.py); the sweep must not
        url = url_for_rule(rule, bank_request)
        data = {"csrf_token": token, "action": "accept", "seen_status": "assigned",
                "seen_version": "1"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        response.close()  # a download keeps its file open until closed
        endpoint = rule.endpoint
        if who == "anonymous":
            expected = {302}
        elif endpoint in FOR_EVERY_ROLE:
            expected = {200, 400}
        elif endpoint in COORDINATORS_ONLY:
            expected = COORDINATORS_ONLY[endpoint] if who == "coordinator" else {403}
        elif endpoint in SITE_HEALTH:
            expected = SITE_HEALTH[endpoint] if who in SITE_HEALTH_ROLES else {403}
        elif endpoint in CONTENT:
            # Only the IP office's editors and reviewers; this session's store holds no page, so
            # theirs reach the view and find none (test_publishing.py has the pages).
            expected = {200, 303, 400, 404} if who in EDITORIAL else {403}
        elif endpoint in EVENTS:
            expected = {403} if who in ("admin", *EDITORIAL) else (
                {200} if endpoint == "events.staff_index" else {404})
        elif who in EDITORIAL:
            expected = {403}  # neither the requests nor the administration
        elif who == "other-institution":
            expected = {404} if endpoint in REQUEST_SPECIFIC else ({403} if endpoint.startswith("admin.") else {200})
        elif who == "admin":
            expected = {403} if endpoint in WORKSPACE else {200, 303, 400, 404}
        else:  # coordinator: every request, no administration
            expected = {403} if endpoint.startswith("admin.") else {200, 303, 409}
        assert response.status_code in expected, (who, method, url, response.status_code)
        if who == "anonymous":
            assert "/zh/staff/login" in response.headers["Location"]
        checked += 1
    assert checked >= 15
    with app.app_context():  # nobody but the coordinator could change the request
        status = db.session.get(AssistanceRequest, bank_request["request_id"]).status
    assert status == ("accepted" if who == "coordinator" else "assigned")


def test_staff_and_admin_roots_redirect_by_language(client):
    response = client.get("/staff/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/staff/")
    assert client.get("/admin/").headers["Location"].endswith("/zh/admin/")


def test_an_action_on_an_older_version_is_refused_even_in_the_same_status(app, client):
    """Finding 2: status alone cannot tell that a request moved on (declined to another institution
    and back at "assigned"); the version the form carries can."""
    request_id = make_request(app, client, "bank-a")
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    seen = seen_version(coordinator, request_id)
    staff = app.test_client()
    login(staff, BANK_STAFF)
    assert act(staff, request_id, "decline", "assigned", text="不在本机构服务范围").status_code == 303
    stale = act(coordinator, request_id, "accept", "assigned", seen_version=seen)  # still "assigned"
    assert stale.status_code == 409 and "有人在您阅读时更改了这条请求" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AssistanceRequest, request_id).status == "assigned"
    # The member of staff whose institution had it is told it moved on, not "not found".
    gone = act(staff, request_id, "accept", "assigned", seen_version=seen)
    assert gone.status_code == 409
