"""Assistance requests through the test client: every type, bad input, uploads, CSRF, tracking."""

import io
import logging
import re

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import AssistanceRequest, Attachment, AuditEvent, OutboxMessage, RoutingDecision
from tests.conftest import TYPE_FIELDS, check, open_form, post_multipart, send_checked, submit, valid_fields

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def saved_request(app, response):
    token = re.search(r"/requests/status/([\w-]+)", response.headers["Location"]).group(1)
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        db.session.expunge_all()
        return request


@pytest.mark.parametrize("request_type", sorted(TYPE_FIELDS))
def test_every_request_type_is_saved_routed_and_notified(app, client, request_type):
    response = submit(client, "zh", request_type)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        token = re.search(r"/requests/status/([\w-]+)", response.headers["Location"]).group(1)
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        assert re.fullmatch(r"HS\d{4}-\d{6}", request.tracking_number)
        assert request.request_type == request_type and request.status == "assigned"
        assert request.phone == "13803181234"  # normalised
        # Saved as the form read them: the number of pupils as a number.
        assert request.details == {k: int(v) if k == "pupils" else v for k, v in TYPE_FIELDS[request_type].items()}
        decision = db.session.scalar(select(RoutingDecision).where(RoutingDecision.request_id == request.id))
        assert decision.institution_id == request.institution_id and decision.reason
        purposes = sorted(m.purpose for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.request_id == request.id)))
        assert purposes == ["acknowledgement", "institution-notice"]
        actions = [e.action for e in request.events]
        assert actions == ["received", "assigned"]
        number, institution = request.tracking_number, request.institution.name_zh
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert number in page and institution in page and "申请已提交" in page


def test_the_acknowledgement_speaks_the_language_of_the_page_used(app, client):
    for lang, words in (("en", "has been received"), ("zh", "已收到")):
        request = saved_request(app, submit(client, lang, "general"))
        with app.app_context():
            message = db.session.scalar(select(OutboxMessage).where(
                OutboxMessage.request_id == request.id, OutboxMessage.purpose == "acknowledgement"))
            assert words in message.subject and request.tracking_number in message.body
            assert f"https://portal.example/{lang}/requests/status/{request.status_token}" in message.body


def test_routing_uses_the_county_rule_and_stores_the_rule(app, client):
    request = saved_request(app, submit(client, "zh", "rights-protection", county="shenzhou"))
    with app.app_context():
        decision = db.session.scalar(select(RoutingDecision).where(RoutingDecision.request_id == request.id))
        assert decision.rule_id is not None
        assert db.session.get(type(request), request.id).institution.slug == "workstation-shenzhou"


BAD_INPUT = [
    ("organisation", "", "organisation", "Please fill this in."),
    ("credit_code", "91110000600037341X", "credit_code", "last character does not match"),
    ("credit_code", "", "credit_code", "Enterprises must give"),
    ("phone", "12345", "phone", "mainland mobile number"),
    ("email", "not-an-address", "email", "does not look like an e-mail address"),
    ("county", "atlantis", "county", "Not a valid choice"),
    ("phone", "+0 12 345", "phone", "number abroad with its country code"),
    ("industry", "", "industry", "choose an industry"),
    ("description", "too short", "description", "between 20 and 3000 characters"),
    ("description", "长" * 3001, "description", "between 20 and 3000 characters"),
    ("consent", None, "consent", "with your agreement"),
    ("applicant_kind", "robot", "applicant_kind", "Not a valid choice"),
]


@pytest.mark.parametrize(("field", "value", "field_id", "message"), BAD_INPUT)
def test_bad_input_returns_the_form_with_everything_else_kept(app, client, field, value, field_id, message):
    before = count(app, AssistanceRequest)
    data = {**open_form(client, "en", "general"), **valid_fields("general", **{field: value})}
    if value is None:
        data.pop(field, None)
    response = client.post("/en/requests/new?type=general", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in html and f'href="#{field_id}"' in html
    assert message in html
    assert 'aria-invalid="true"' in html or field_id in ("applicant_kind", "consent")
    if field != "organisation":
        assert 'value="衡水示例橡胶有限公司"' in html
    assert count(app, AssistanceRequest) == before


def test_type_specific_fields_are_validated(app, client):
    before = count(app, AssistanceRequest)
    response = submit(client, "zh", "school-visit", grade_levels=[], pupils="很多")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请至少选择一个年级段" in html and 'href="#pupils"' in html
    assert 'id="industry"' not in html  # a school is not asked for an industry
    assert count(app, AssistanceRequest) == before


def test_attachments_are_stored_outside_static_under_random_names(app, client):
    files = [(io.BytesIO(PDF), "营业执照.pdf"), (io.BytesIO(PNG), "商标图样.png")]
    request = saved_request(app, submit(client, "zh", "trademark-gi", files=files))
    with app.app_context():
        attachments = db.session.scalars(select(Attachment).where(Attachment.request_id == request.id)).all()
        assert sorted(a.original_name for a in attachments) == ["商标图样.png", "营业执照.pdf"]
        assert {a.content_type for a in attachments} == {"application/pdf", "image/png"}
        for attachment in attachments:
            path = app.config["UPLOAD_DIR"] / attachment.stored_name
            assert path.read_bytes() in (PDF, PNG)
            assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
            assert ROOT / "static" not in path.parents


@pytest.mark.parametrize(("files", "message"), [
    ([(io.BytesIO(EXE), "invoice.pdf")], "is not a PDF, JPEG or PNG file"),
    ([(io.BytesIO(b""), "empty.pdf")], "is empty"),
    ([(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)], "Attach at most 5 files"),
    ([(io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024)), "big.pdf")], "is larger than 10 MB"),
])
def test_refused_uploads_save_nothing_and_ask_for_the_files_again(app, client, files, message):
    before = (count(app, AssistanceRequest), count(app, Attachment))
    stored_before = set(app.config["UPLOAD_DIR"].glob("*")) if app.config["UPLOAD_DIR"].exists() else set()
    response = submit(client, "en", "copyright-software", files=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and 'href="#attachments"' in html
    assert "Please choose them again" in html
    assert (count(app, AssistanceRequest), count(app, Attachment)) == before
    stored_after = set(app.config["UPLOAD_DIR"].glob("*")) if app.config["UPLOAD_DIR"].exists() else set()
    assert stored_after == stored_before


def test_an_oversize_request_is_a_413_page_in_the_users_language(tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path,
                      "SEARCH_INDEX_DIR": tmp_path / "si", "MAX_CONTENT_LENGTH": 1024 * 1024,
                      "WTF_CSRF_ENABLED": False})
    response = post_multipart(app.test_client(), "/zh/requests/new?type=general",
                              {"attachments": (io.BytesIO(b"%PDF-" + b"0" * 2_000_000), "a.pdf")})
    assert response.status_code == 413
    assert "上传的文件过大" in response.get_data(as_text=True)


def test_missing_csrf_token_is_a_400_that_offers_the_form_again(app, client):
    before = count(app, AssistanceRequest)
    data = valid_fields("general", form_token="no-csrf")
    response = client.post("/zh/requests/new?type=general", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "表单已过期" in html and 'href="/zh/requests/new?type=general"' in html
    assert count(app, AssistanceRequest) == before


def test_a_double_submit_creates_one_request(app, client):
    checked = check(client, "zh", "general")
    assert checked.status_code == 200
    first = send_checked(client, "zh", "general", checked)
    second = send_checked(client, "zh", "general", checked)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    form_token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', checked.get_data(as_text=True))[1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AssistanceRequest).where(
            AssistanceRequest.form_token == form_token)) == 1


def test_the_honeypot_refuses_bots(app, client):
    before = count(app, AssistanceRequest)
    response = submit(client, "en", "general", website="http://spam.example")
    assert response.status_code == 400
    assert count(app, AssistanceRequest) == before


def test_tracking_by_number_and_last_six_digits(app, client):
    request = saved_request(app, submit(client, "en", "general"))
    csrf = open_form(client, "en", "general")["csrf_token"]
    found = client.post("/en/requests/track", data={"csrf_token": csrf, "number": request.tracking_number.lower(),
                                                     "digits": "181234"})
    assert found.status_code == 303 and request.status_token in found.headers["Location"]
    answers = set()
    for number, digits in ((request.tracking_number, "999999"), (request.tracking_number, "1234"),
                           ("HS2026-999999", "181234"), ("", ""), ("x" * 500, "12345")):
        miss = client.post("/en/requests/track", data={"csrf_token": csrf, "number": number, "digits": digits})
        assert miss.status_code == 404
        answers.add(re.search(r'<div class="error-summary".*?</div>', miss.get_data(as_text=True), re.S).group(0))
    assert len(answers) == 1  # the same answer for every kind of mismatch


def test_status_page_is_private_and_shows_the_public_timeline(app, client):
    response = submit(client, "zh", "general")
    page = client.get(response.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    # The placement names the institution that has the request now (issue 16).
    assert "已收到您的申请" in html and re.search(r"申请已转交[^<]*（演示）。", html)
    assert "演示数据" in html  # the demo institution says it is demo
    assert client.get("/zh/requests/status/not-a-real-token").status_code == 404
    assert client.get("/zh/requests/status/" + "x" * 300).status_code == 404


def test_the_form_page_is_not_cached_and_has_no_personal_data_in_urls(app, client):
    form = client.get("/zh/requests/new?type=general")
    assert form.headers["Cache-Control"] == "no-store"
    response = submit(client, "zh", "general")
    assert "138" not in response.headers["Location"] and "zhang" not in response.headers["Location"]


def test_no_personal_data_in_the_logs(app, client, caplog):
    with caplog.at_level(logging.DEBUG):
        submit(client, "zh", "rights-protection")
        submit(client, "zh", "rights-protection", phone="bad")
    text = caplog.text
    for personal in ("13803181234", "zhang@example.com", "张三", "91110000600037341L"):
        assert personal not in text


def test_the_privacy_notice_version_is_stored_with_the_request(app, client, catalog):
    request = saved_request(app, submit(client, "en", "general"))
    assert request.privacy_version == catalog.get("pages", "privacy", "en").updated.isoformat()


def test_every_form_page_renders_in_both_languages(client):
    for request_type in TYPE_FIELDS:
        for lang in ("zh", "en"):
            response = client.get(f"/{lang}/requests/new?type={request_type}")
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
            assert '<label for="phone">' in html


def test_audit_events_record_who_and_what(app, client):
    request = saved_request(app, submit(client, "zh", "patent-advice"))
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request.id)).all()
        assert [(e.actor, e.action, e.public) for e in events] == [("requester", "received", True),
                                                                  ("routing", "assigned", True)]


def test_messages_to_the_requester_appear_on_the_status_page_escaped(app, client):
    response = submit(client, "zh", "general")
    request = saved_request(app, response)
    with app.app_context():
        db.session.add(AuditEvent(request_id=request.id, actor="staff:demo", action="replied", public=True,
                                  after={"message": "请补充商标注册证复印件。<script>x</script>"}))
        db.session.add(AuditEvent(request_id=request.id, actor="staff:demo", action="note", public=False,
                                  after={"message": "内部备注，不对外"}))
        db.session.commit()
    html = client.get(f"/zh/requests/status/{request.status_token}").get_data(as_text=True)
    assert "请补充商标注册证复印件。&lt;script&gt;" in html
    assert "内部备注" not in html  # internal events never reach the public page


def test_tracking_lookups_are_rate_limited(tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path,
                      "SEARCH_INDEX_DIR": tmp_path / "si", "TRACK_RATE_LIMIT": "3 per minute",
                      "WTF_CSRF_ENABLED": False})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    client = app.test_client()
    answers = [client.post("/en/requests/track", data={"number": "HS2026-000001", "digits": "0000"}).status_code
               for _ in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    assert "Too many attempts" in client.post("/en/requests/track", data={}).get_data(as_text=True)
