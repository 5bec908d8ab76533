"""Replies both ways: the requester answers on the private status page (a message, documents with
the submission's checks, "resolved"), staff see it in the timeline and the queue marks it."""

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AssistanceRequest, Attachment, AuditEvent, OutboxMessage
from portal.notify import sms
from portal.notify.outbox import send_pending_sms
from portal.notify.sms import FileSms
from portal.privacy.retention import scrub
from tests.conftest import post_multipart
from tests.staff_helpers import PDF, TAOCHENG_STAFF, act, login, make_request


def status_path(app, request_id, lang="en"):
    with app.app_context():
        return f"/{lang}/requests/status/{db.session.get(AssistanceRequest, request_id).status_token}"


def write(client, path, **fields):
    page = client.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return post_multipart(client, f"{path}/message", {"csrf_token": csrf, **fields})


def test_the_requester_answers_with_a_document_and_staff_see_it(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    staff = app.test_client()
    login(staff, TAOCHENG_STAFF)
    act(staff, request_id, "accept", "assigned")
    act(staff, request_id, "reply", "accepted", text="请提供营业执照复印件。")
    path = status_path(app, request_id)
    assert "Write to the institution" in client.get(path).get_data(as_text=True)
    response = write(client, path, message="附上营业执照。", attachments=[(io.BytesIO(PDF), "营业执照.pdf")])
    assert response.status_code == 303 and response.headers["Location"].endswith("?sent=1")
    # The status link is in the request's language (zh).
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的消息已发送给服务机构。" in page and "附上营业执照。" in page
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)
                                   .order_by(AuditEvent.id.desc())).first()
        assert (event.actor, event.action, event.public) == ("requester", "requester-message", True)
        names = db.session.scalars(select(Attachment.original_name).where(Attachment.request_id == request_id)).all()
        assert "营业执照.pdf" in names
        [notice] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id,
                                                                  OutboxMessage.purpose.like("requester-wrote-%")))
        assert notice.recipient.endswith("@demo.invalid") and "附上" not in notice.body  # no personal data
    queue = staff.get("/en/staff/?status=all").get_data(as_text=True)
    assert re.search(rf'requests/{request_id}">[^<]+</a> <strong class="badge">New message', queue)
    detail = staff.get(f"/en/staff/requests/{request_id}").get_data(as_text=True)
    assert "Message from the requester" in detail and "附上营业执照。" in detail and "The requester" in detail
    act(staff, request_id, "reply", "accepted", text="收到，谢谢。")  # staff answered: no longer unread
    queue = staff.get("/en/staff/?status=all").get_data(as_text=True)
    assert not re.search(rf'requests/{request_id}">[^<]+</a> <strong class="badge">New message', queue)


def test_the_requester_can_say_the_matter_is_resolved(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    path = status_path(app, request_id, "zh")
    assert write(client, path, resolved="y").status_code == 303
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.request_id == request_id)).all()
    assert actions[-1] == "requester-resolved"


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "Write a message, add a document or tick"),
    ({"message": "长" * 3001}, "at most 3000 characters"),
    ({"message": "bad\x00byte"}, "characters that cannot be read"),
    ({"message": "请看附件", "attachments": [(io.BytesIO(b"MZ\x90\x00not a pdf"), "合同.exe")]}, "is not a PDF"),
])
def test_bad_messages_keep_what_was_typed_and_save_nothing(app, client, fields, message):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    path = status_path(app, request_id)
    with app.app_context():
        before = db.session.scalars(select(AuditEvent.id).where(AuditEvent.request_id == request_id)).all()
    response = write(client, path, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    if fields.get("message") == "请看附件":
        assert "请看附件" in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.id).where(AuditEvent.request_id == request_id)).all() == before


def test_a_message_without_the_csrf_token_or_to_an_unknown_request_is_refused(app, client):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    path = status_path(app, request_id)
    assert client.post(f"{path}/message", data={"message": "hello"}).status_code == 400
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))
    unknown = client.post(f"/en/requests/status/{'x' * 43}/message", data={"message": "hi", "csrf_token": csrf[1]})
    assert unknown.status_code == 404
    assert client.get(f"{path}/message").status_code == 303


def test_retention_removes_the_requesters_messages_and_sms(app, client, tmp_path):
    request_id = make_request(app, client, "workstation-taocheng", request_type="general")
    with app.app_context():
        request = db.session.get(AssistanceRequest, request_id)
        request.sms_consent_version = "v1"
        db.session.commit()
    path = status_path(app, request_id)
    assert write(client, path, message="我的手机是13803181234，请回电。").status_code == 303
    with app.test_request_context():
        request = db.session.get(AssistanceRequest, request_id)
        sms.queue(request, "message", "sms-message-test", "https://portal.example", "衡水知识产权")
        db.session.commit()
        send_pending_sms(FileSms(tmp_path), {"message": "message"}, 5)
        scrub(db.session.get(AssistanceRequest, request_id), app.config["UPLOAD_DIR"], datetime.now(UTC))
        db.session.commit()
        texts = [e.after for e in db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id))]
        left = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.request_id == request_id)).all()
    assert not any("13803181234" in str(after) for after in texts)
    assert "+8613803181234" not in left
