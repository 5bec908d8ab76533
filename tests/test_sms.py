"""SMS: the texts, the file channel, both providers' SDKs against signature-checking stand-ins on
127.0.0.1, refusals, the provider down and back, the daily cap, and stopping SMS."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.casework.service import Actor, act
from portal.db import db
from portal.models import AssistanceRequest, AuditEvent, OutboxMessage, SmsDailyCount
from portal.notify import sms_texts
from portal.notify.outbox import MAX_ATTEMPTS, send_pending_sms
from portal.notify.sms import AliyunSms, FileSms, TencentSms
from tests.conftest import submit
from tests.sms_providers import KEY_ID, KEY_SECRET, FakeProvider
from tests.support.net import free_port

# Words and kinds of text SMS providers refuse in notification templates (marketing, legal
# services, finance), in both languages. A template with one of them would not be approved.
REFUSED_WORDS = ("法律维权", "维权", "调解", "商标注册", "注册商标", "专利申请", "代理", "推广", "营销", "促销",
                 "优惠", "贷款", "融资", "律师", "诉讼", "投诉", "打官司", "知识产权保护", "IP promotion",
                 "promotion", "trademark registration", "legal", "lawyer", "loan", "mediation", "lawsuit",
                 "discount", "click")
CODES = {name: f"SMS_{index}" for index, name in enumerate(sms_texts.TEMPLATES, start=1)}


def sms_rows(app, **where):
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.channel == "sms").order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(sms_texts.TEMPLATES))
def test_templates_are_neutral_and_carry_no_link_as_a_variable(name, lang):
    template = sms_texts.TEMPLATES[name]
    text = template.text(lang)
    lowered = text.lower()
    assert [word for word in REFUSED_WORDS if word.lower() in lowered] == []
    # The only variable is the tracking number; the address is fixed text, never a parameter.
    assert set(re.findall(r"\$\{(\w+)\}", text)) == set(template.params) == {"number"}
    # A request's SMS name the tracking page; an event's (portal/events) point to the confirmation
    # e-mail, which holds the private link: no address at all.
    assert ("{track}" in text) != name.startswith("event-") and "status/" not in text and "http" not in text
    rendered = sms_texts.render(name, lang, {"number": "HS2026-000123"}, "https://portal.example", "衡水知识产权")
    assert rendered.startswith("【衡水知识产权】") and "HS2026-000123" in rendered and "${" not in rendered
    assert (f"https://portal.example/{lang}/requests/track" in rendered) != name.startswith("event-")
    # The Chinese signature makes every text UCS-2: 67 characters a segment. At most two segments
    # in Chinese, three in English (each segment is charged).
    assert len(rendered) <= (134 if lang == "zh" else 201)


def test_a_request_without_email_gets_its_receipt_by_sms(app, client, tmp_path):
    assert submit(client, "zh", "general", email="", sms_consent="y").status_code == 303
    with app.app_context():
        request = db.session.scalars(select(AssistanceRequest).order_by(AssistanceRequest.id.desc())).first()
        assert request.email == "" and request.sms_consent_version
        number, token = request.tracking_number, request.status_token
        purposes = {m.purpose for m in db.session.scalars(select(OutboxMessage))}
        assert purposes == {"institution-notice", "sms-received"}  # no e-mail to nobody
        assert send_pending_sms(FileSms(tmp_path), CODES, 5) == (1, 0)
        assert send_pending_sms(FileSms(tmp_path), CODES, 5) == (0, 0)  # sent once
    [written] = tmp_path.glob("*.txt")
    text = written.read_text(encoding="utf-8")
    assert "To: +8613803181234" in text and number in text
    assert "https://portal.example/zh/requests/track" in text and token not in text


def test_no_sms_without_the_separate_consent(app, client):
    assert submit(client, "en", "general").status_code == 303
    assert sms_rows(app) == []


def test_a_number_abroad_is_accepted_and_gets_its_sms_in_e164(app, client):
    assert submit(client, "en", "overseas-risk", phone="+44 20 7946 0000", email="", sms_consent="y",
                  county="").status_code == 303
    [row] = sms_rows(app)
    assert row.recipient == "+442079460000" and "We have received your request" in row.body


@pytest.mark.parametrize(("changes", "message"), [
    ({"phone": "", "email": ""}, "Give a phone number or an e-mail address"),
    ({"phone": "0318-2123456", "sms_consent": "y"}, "SMS need a mobile number"),
    ({"phone": "+0 12", "email": ""}, "a number abroad with its country code"),
])
def test_contact_details_that_cannot_work_are_refused_with_what_was_typed_kept(client, changes, message):
    response = submit(client, "en", "general", **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert "衡水示例橡胶有限公司" in page  # nothing typed is lost


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_each_provider_sdk_sends_a_signed_request_and_refusals_are_not_retried(app, client, kind):
    submit(client, "zh", "general", sms_consent="y")
    submit(client, "zh", "general", sms_consent="y", phone="13903181235")
    with FakeProvider(kind) as provider:
        provider.refused.add("13903181235" if kind == "aliyun" else "+8613903181235")
        channel = (AliyunSms(KEY_ID, KEY_SECRET, "衡水知识产权", provider.endpoint) if kind == "aliyun" else
                   TencentSms(KEY_ID, KEY_SECRET, "衡水知识产权", "1400000001", endpoint=provider.endpoint))
        with app.app_context():
            assert send_pending_sms(channel, CODES, 5) == (1, 1)
            later = datetime.now(UTC) + timedelta(days=1)
            assert send_pending_sms(channel, CODES, 5, now=later) == (0, 0)  # the refused one stays refused
    assert provider.rejected == []  # every request the SDK made carried a valid signature
    [accepted] = provider.received
    assert accepted["template"] == "SMS_1" and accepted["sign"] == "衡水知识产权"
    if kind == "aliyun":
        assert accepted["phone"] == "13803181234" and re.fullmatch(r"HS\d{4}-\d{6}", accepted["params"]["number"])
    else:
        assert accepted["phone"] == "+8613803181234" and accepted["app"] == "1400000001"
        assert re.fullmatch(r"HS\d{4}-\d{6}", accepted["params"][0])
    statuses = {row.recipient: (row.status, row.last_error) for row in sms_rows(app)}
    assert statuses["+8613803181234"] == ("sent", None)
    status, error = statuses["+8613903181235"]
    assert status == "refused" and ("MOBILE_NUMBER_ILLEGAL" in error or "IncorrectPhoneNumber" in error)


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_a_wrong_key_is_refused_by_the_stand_in_and_retried_later(app, client, kind):
    submit(client, "en", "general", sms_consent="y")
    with FakeProvider(kind) as provider:
        channel = (AliyunSms(KEY_ID, "not-the-key", "s", provider.endpoint) if kind == "aliyun" else
                   TencentSms(KEY_ID, "not-the-key", "s", "1400000001", endpoint=provider.endpoint))
        with app.app_context():
            assert send_pending_sms(channel, CODES, 5) == (0, 1)
    assert provider.received == [] and provider.rejected in (["SignatureDoesNotMatch"],
                                                             ["AuthFailure.SignatureFailure"])
    [row] = sms_rows(app)
    assert row.status == "pending" and row.attempts == 1 and "Signature" in row.last_error


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_provider_down_then_back_delivers_each_sms_once(app, client, kind):
    submit(client, "zh", "general", sms_consent="y")
    unreachable = f"http://127.0.0.1:{free_port()}"
    with FakeProvider(kind) as provider:
        def channel(endpoint):
            return (AliyunSms(KEY_ID, KEY_SECRET, "s", endpoint, timeout=2) if kind == "aliyun" else
                    TencentSms(KEY_ID, KEY_SECRET, "s", "1400000001", endpoint=endpoint, timeout=2))
        with app.app_context():
            assert send_pending_sms(channel(unreachable), CODES, 5) == (0, 1)   # nothing listens
            provider.down = True
            soon = datetime.now(UTC) + timedelta(minutes=2)
            assert send_pending_sms(channel(provider.endpoint), CODES, 5, now=soon) == (0, 1)  # 5xx / error
            assert send_pending_sms(channel(provider.endpoint), CODES, 5, now=soon) == (0, 0)  # backing off
            provider.down = False
            later = datetime.now(UTC) + timedelta(hours=1)
            assert send_pending_sms(channel(provider.endpoint), CODES, 5, now=later) == (1, 0)
            assert send_pending_sms(channel(provider.endpoint), CODES, 5, now=later) == (0, 0)
            # Failed tries gave their place back: one SMS counted in all. Summed over days, since an
            # hour later is the next Beijing day when this runs after 23:00 there (15:00 UTC).
            assert db.session.scalar(select(func.sum(SmsDailyCount.sent))) == 1
    assert len(provider.received) == 1
    [row] = sms_rows(app)
    assert row.status == "sent" and row.attempts == 3


def test_a_provider_that_never_comes_back_is_given_up(app, client):
    submit(client, "zh", "general", sms_consent="y")
    channel = AliyunSms(KEY_ID, KEY_SECRET, "s", f"http://127.0.0.1:{free_port()}", timeout=2)
    moment = datetime.now(UTC)
    with app.app_context():
        for _attempt in range(MAX_ATTEMPTS):
            moment += timedelta(hours=2)
            send_pending_sms(channel, CODES, 5, now=moment)
    [row] = sms_rows(app)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS


def test_the_daily_cap_per_number(app, client, tmp_path):
    for _ in range(3):
        submit(client, "zh", "general", sms_consent="y")
    submit(client, "zh", "general", sms_consent="y", phone="13903181235")
    with app.app_context():
        assert send_pending_sms(FileSms(tmp_path), CODES, 2) == (3, 1)
    by_status = [(row.recipient, row.status) for row in sms_rows(app)]
    assert by_status == [("+8613803181234", "sent"), ("+8613803181234", "sent"), ("+8613803181234", "capped"),
                         ("+8613903181235", "sent")]


def test_sms_follow_the_conversation_and_can_be_stopped_from_the_status_page(app, client):
    response = submit(client, "en", "general", sms_consent="y")
    status_page = response.headers["Location"].split("?")[0]
    with app.test_request_context():
        request_id = db.session.scalars(select(AssistanceRequest.id).order_by(AssistanceRequest.id.desc())).first()
        coordinator = Actor(0, "coordinator", None)
        act(coordinator, request_id, "accept", seen_status="assigned",
            seen_version=db.session.get(AssistanceRequest, request_id).version)
        act(coordinator, request_id, "reply", seen_status="accepted", text="Could you send the contract?",
            seen_version=db.session.get(AssistanceRequest, request_id).version)
    assert [row.template for row in sms_rows(app)] == ["received", "message"]
    page = client.get(status_page).get_data(as_text=True)
    assert "Stop SMS about this request" in page
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{status_page}/stop-sms", data={}).status_code == 400  # no CSRF token: nothing changes
    assert client.post(f"{status_page}/stop-sms", data={"csrf_token": csrf}).status_code == 303
    with app.test_request_context():
        act(coordinator, request_id, "answer", seen_status="accepted",
            seen_version=db.session.get(AssistanceRequest, request_id).version)
        events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.request_id == request_id)).all()
    assert [row.template for row in sms_rows(app)] == ["received", "message"]  # nothing after the stop
    assert {row.status for row in sms_rows(app)} == {"stopped"} and "sms-stopped" in events
    assert "You stopped SMS about this request." in client.get(status_page).get_data(as_text=True)
