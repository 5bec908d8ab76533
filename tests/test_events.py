"""Events through the test client: registering (confirmed, waiting list, duplicates, the window),
the private link, cancelling with the waiting list moving up and the promoted person told, the
school slots, bad input on every field, the calendars parsed back with icalendar and the Atom feed
with feedparser, reminders once, the organiser's and a partner bank's pages, CSV, check-in,
messages, rating, the report, retention and the demo events."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from sqlalchemy import func, select

from portal.db import db
from portal.events import service
from portal.events.demo import load_demo
from portal.events.models import EventRegistration
from portal.models import AuditEvent, OutboxMessage
from portal.privacy import retention
from tests.events_helpers import events_in, registration_fields
from tests.staff_helpers import BANK_STAFF, CENTRE_STAFF, COORDINATOR, TAOCHENG_STAFF, login
from tests.support.forms import csrf_token

SHANGHAI = ZoneInfo("Asia/Shanghai")
SLOTS = {"kind": "school-activity", "capacity": None, "partners": None, "questions": [
    {"id": "pupils", "label": "学生人数", "type": "number", "required": True}],
    "slots": [{"starts": "2030-03-10 09:00", "ends": "2030-03-10 09:45"},
              {"starts": "2030-03-10 14:00", "ends": "2030-03-10 14:45"}],
    "starts": "2030-03-10 09:00", "ends": "2030-03-10 15:00"}


@pytest.fixture()
def event(app):
    with events_in(app, ("fin", {}), ("school", SLOTS)):
        yield "fin"


def register(client, slug="fin", lang="zh", **changes):
    html = client.get(f"/{lang}/events/{slug}").get_data(as_text=True)
    if "csrf_token" not in html:  # no form while the window is shut: a token of the session all the same
        html = client.get(f"/{lang}/alerts/subscribe").get_data(as_text=True)
    return client.post(f"/{lang}/events/{slug}", data={"csrf_token": csrf_token(html),
                                                       **registration_fields(**changes)})


def token_of(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def registration(app, token):
    with app.app_context():
        found = db.session.scalar(select(EventRegistration).where(EventRegistration.token == token))
        db.session.expunge(found)
        return found


def outbox(app, purpose=None):
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.purpose.like("event-%")).order_by(OutboxMessage.id)
        if purpose:
            query = query.where(OutboxMessage.purpose == purpose)
        return [(m.purpose, m.recipient, m.subject, m.body) for m in db.session.scalars(query)]


def test_register_confirmed_then_waiting_then_refused_twice(app, client, event):
    first = token_of(register(client, email="a@example.com"))
    second = token_of(register(client, email="b@example.com", sms_consent=None))
    third = token_of(register(client, email="c@example.com"))
    assert [registration(app, t).status for t in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    # The same contact again (any case): refused, nothing added.
    again = register(client, email="A@Example.com")
    assert again.status_code == 409 and "已经报名" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 3
    # Confirmation by e-mail with the private link, and by SMS where asked for.
    messages = outbox(app)
    assert [(p, r) for p, r, _s, _b in messages] == [
        ("event-confirmed", "a@example.com"), ("event-sms-event-registered", "+8613803181234"),
        ("event-confirmed", "b@example.com"), ("event-waiting", "c@example.com"),
        ("event-sms-event-waiting", "+8613803181234")]
    assert f"https://portal.example/zh/events/registration/{first}" in messages[0][3]
    assert first not in messages[1][3] and "EV-" in messages[1][3]  # the private link never by SMS
    page = client.get(f"/zh/events/registration/{third}").get_data(as_text=True)
    assert "候补" in page and "李四" in page
    listing = client.get("/zh/events").get_data(as_text=True)
    assert "测试活动" in listing and "候补" in listing


def test_cancelling_moves_the_first_waiting_up_and_tells_them(app, client, event):
    tokens = [token_of(register(client, email=f"p{n}@example.com")) for n in range(4)]
    assert [registration(app, t).status for t in tokens] == ["confirmed", "confirmed", "waiting", "waiting"]
    html = client.get(f"/en/events/registration/{tokens[0]}").get_data(as_text=True)
    unticked = client.post(f"/en/events/registration/{tokens[0]}/cancel", data={"csrf_token": csrf_token(html)})
    assert unticked.status_code == 400 and registration(app, tokens[0]).status == "confirmed"
    done = client.post(f"/en/events/registration/{tokens[0]}/cancel",
                       data={"csrf_token": csrf_token(html), "confirm": "y"})
    assert done.status_code == 303
    assert [registration(app, t).status for t in tokens] == ["cancelled", "confirmed", "confirmed", "waiting"]
    promoted = outbox(app, "event-promoted")
    assert [r for _p, r, _s, _b in promoted] == ["p2@example.com"]
    assert "现在已确认" in promoted[0][3] or "confirmed" in promoted[0][3]
    assert [r for _p, r, _s, _b in outbox(app, "event-sms-event-promoted")] == ["+8613803181234"]
    # Cancelling again changes nothing; the cancelled person may register again, at the end.
    client.post(f"/en/events/registration/{tokens[0]}/cancel", data={"csrf_token": csrf_token(html), "confirm": "y"})
    assert len(outbox(app, "event-promoted")) == 1
    back = token_of(register(client, email="p0@example.com"))
    assert registration(app, back).status == "waiting"
    assert registration(app, back).position > registration(app, tokens[3]).position


def test_the_window(app, client):
    now = datetime.now(UTC)
    closed = {"registration_opens": "2026-01-01 09:00", "registration_closes": "2026-01-02 09:00",
              "starts": "2026-01-03 09:00", "ends": "2026-01-03 12:00"}
    later = {"registration_opens": (now + timedelta(days=2)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")}
    with events_in(app, ("past", closed), ("later", later)):
        assert "报名已截止" in client.get("/zh/events/past").get_data(as_text=True)
        assert register(client, "past").status_code == 409
        assert register(client, "later").status_code == 409
        listing = client.get("/zh/events").get_data(as_text=True)
        assert listing.index("往期活动") < listing.index('href="/zh/events/past"')  # kept, among past events
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 0


def test_a_school_picks_a_free_slot_and_a_taken_one_is_refused(app, client, event):
    fields = {"applicant_kind": "school", "credit_code": "", "organisation": "衡水示例中学", "q_pupils": "45",
              "q_need": None, "q_people": None, "share_with_banks": None}
    first = token_of(register(client, "school", email="s1@example.com", slot="0", **fields))
    assert registration(app, first).slot == 0
    page = client.get("/zh/events/school").get_data(as_text=True)
    assert 'value="0"' not in page and 'value="1"' in page  # the taken slot is no longer offered
    html = page
    taken = client.post("/zh/events/school", data={"csrf_token": csrf_token(html), **registration_fields(
        email="s2@example.com", slot="0", **fields)})
    assert taken.status_code == 409 and "刚被另一所学校选走" in taken.get_data(as_text=True)
    nonsense = client.post("/zh/events/school", data={"csrf_token": csrf_token(html), **registration_fields(
        email="s2@example.com", slot="x9", **fields)})
    assert nonsense.status_code == 409 and "请选择一个空闲时段" in nonsense.get_data(as_text=True)
    token_of(register(client, "school", email="s3@example.com", slot="1", **fields))
    full = client.get("/zh/events/school").get_data(as_text=True)
    assert "所有时段都已约满" in full and "requests/new?type=school-visit" in full


@pytest.mark.parametrize(("field", "value", "message"), [
    ("organisation", "", "请填写"),
    ("organisation", "x" * 201, "200"),
    ("organisation", "衡水\x00公司", "无法识别"),
    ("organisation", "一行\n两行", "一行"),
    ("contact_name", "", "请填写"),
    ("contact_name", "\x1b[31m张三", "无法识别"),
    ("phone", "", "请填写"),
    ("phone", "12345", "手机号"),
    ("email", "", "请填写"),
    ("email", "not-an-address", "邮箱地址"),
    ("email", "a@example.com, b@example.com", "邮箱地址"),
    ("credit_code", "", "统一社会信用代码"),
    ("credit_code", "91110000600037341X", "校验"),
    ("credit_code", "123", "18"),
    ("applicant_kind", "robot", "选择"),
    ("q_need", "", "请填写"),
    ("q_need", "x" * 501, "500"),
    ("q_people", "-1", "0"),
    ("q_people", "100001", "100000"),
    ("q_people", "two", "0"),
    ("consent", None, "同意"),
    ("website", "http://spam.example", "留空"),
])
def test_bad_input_on_every_field_is_a_message_and_keeps_what_was_typed(app, client, event, field, value, message):
    response = register(client, **{field: value})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body, body[:3000]
    assert "衡水示例橡胶有限公司" in body or field == "organisation"  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 0


def test_bad_tokens_and_unknown_events_are_404(client, event):
    assert client.get("/zh/events/nope").status_code == 404
    assert client.get("/zh/events/registration/" + "x" * 43).status_code == 404
    assert client.get("/zh/events/registration/short").status_code == 404
    assert client.get("/zh/events/nope/calendar.ics").status_code == 404


def test_filters_without_javascript(client, event):
    def titles(query):
        return client.get(f"/en/events?{query}").get_data(as_text=True)
    assert "Test event" in titles("kind=financing-day&county=taocheng&topic=pledge-financing")
    assert "No event coming up matches" in titles("kind=webinar")
    assert "No event coming up matches" in titles("county=jizhou")
    month = datetime.now(UTC).astimezone(SHANGHAI) + timedelta(days=6)
    assert "Test event" in titles(f"month={month:%Y-%m}")
    bad = client.get("/en/events?kind=<script>&month=2026-13")
    assert bad.status_code == 400 and "<script>" not in bad.get_data(as_text=True)


def test_calendars_parse_back_with_icalendar_in_beijing_time(app, client, event):
    one = client.get("/en/events/fin/calendar.ics")
    assert one.status_code == 200 and one.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(one.data)
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 1 and calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    page = app.extensions["catalog"].get("events", "fin", "en")
    start, end = entries[0].decoded("DTSTART"), entries[0].decoded("DTEND")
    assert start == page.event.starts and end == page.event.ends
    assert start.astimezone(SHANGHAI).strftime("%H:%M") == page.event.starts.strftime("%H:%M")
    assert start.utcoffset() == timedelta(hours=8) and str(entries[0]["SUMMARY"]) == "Test event"
    assert str(entries[0]["UID"]) == "fin.en@portal.example"
    assert str(entries[0]["URL"]) == "https://portal.example/en/events/fin"
    everything = icalendar.Calendar.from_ical(client.get("/zh/events/calendar.ics").data)
    assert {str(e["UID"]) for e in everything.walk("VEVENT")} >= {"fin.zh@portal.example", "school.zh@portal.example"}


def test_the_atom_feed_parses_with_feedparser(client, event):
    response = client.get("/zh/events/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    links = {entry.link for entry in feed.entries}
    assert "https://portal.example/zh/events/fin" in links
    entry = next(e for e in feed.entries if e.link.endswith("/fin"))
    assert entry.title == "测试活动" and entry.published_parsed and "北京时间" in entry.summary


def test_reminders_go_once(app, client):
    now = datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).astimezone(SHANGHAI)
    soon = {"starts": f"{tomorrow:%Y-%m-%d} 23:00", "ends": f"{tomorrow:%Y-%m-%d} 23:30",
            "registration_closes": f"{tomorrow:%Y-%m-%d} 22:00"}
    with events_in(app, ("soon", soon), ("fin", {})):
        token_of(register(client, "soon", email="r1@example.com"))
        token_of(register(client, "soon", email="r2@example.com", sms_consent=None))
        token_of(register(client, "fin", email="r3@example.com"))  # in 6 days: not yet
        with app.app_context():
            catalog = app.extensions["catalog"]
            assert service.send_reminders(catalog) == 2
            assert service.send_reminders(catalog) == 0  # a second worker, or the next pass
        reminders = outbox(app, "event-reminder")
        assert sorted(r for _p, r, _s, _b in reminders) == ["r1@example.com", "r2@example.com"]
        assert len(outbox(app, "event-sms-event-reminder")) == 1
        result = app.test_cli_runner().invoke(args=["events", "remind"])
        assert result.exit_code == 0 and "0 reminders queued" in result.output


def staff(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def test_the_organiser_sees_exports_checks_in_and_writes(app, client, event):
    tokens = [token_of(register(client, email=f"o{n}@example.com", share_with_banks="y" if n else None,
                                organisation="=HYPERLINK(\"http://x\")" if n == 2 else "衡水示例橡胶有限公司"))
              for n in range(3)]
    centre = staff(app, CENTRE_STAFF)
    page = centre.get("/zh/staff/events/fin/")
    assert page.status_code == 200 and "o0@example.com" in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]
    exported = centre.get("/zh/staff/events/fin/registrations.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "状态", "候补顺序", "单位名称"] and len(rows) == 4
    assert rows[3][3].startswith("'=")  # formula-safe
    sheet = centre.get("/zh/staff/events/fin/sign-in-sheet").get_data(as_text=True)
    assert "签到表" in sheet and "o0@example.com" not in sheet and sheet.count('class="signature-cell"') == 2
    first = registration(app, tokens[0])
    html = page.get_data(as_text=True)
    marked = centre.post("/zh/staff/events/fin/check-in", data={"csrf_token": csrf_token(html),
                                                                "registration": str(first.id), "attended": "yes"})
    assert marked.status_code == 303 and registration(app, tokens[0]).attended_at is not None
    waiting = registration(app, tokens[2])
    assert centre.post("/zh/staff/events/fin/check-in", data={"csrf_token": csrf_token(html), "attended": "yes",
                                                             "registration": str(waiting.id)}).status_code == 404
    assert centre.post("/zh/staff/events/fin/check-in", data={"csrf_token": csrf_token(html), "attended": "maybe",
                                                             "registration": str(first.id)}).status_code == 400
    empty = centre.post("/zh/staff/events/fin/message", data={"csrf_token": csrf_token(html), "subject": "",
                                                             "text": ""})
    assert empty.status_code == 400 and "请填写" in empty.get_data(as_text=True)
    sent = centre.post("/zh/staff/events/fin/message", data={"csrf_token": csrf_token(html), "subject": "会场变更",
                                                            "text": "改到二楼会议室。"})
    assert sent.status_code == 303
    messages = outbox(app, "event-organiser")
    assert sorted(r for _p, r, _s, _b in messages) == ["o0@example.com", "o1@example.com"]  # not the waiting one
    assert messages[0][2] == "会场变更" and "改到二楼会议室。" in messages[0][3]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.in_(("event-message", "event-check-in")))) == 2


def test_partner_banks_see_only_those_who_share_and_others_nothing(app, client, event):
    register(client, email="no@example.com", share_with_banks=None, organisation="不分享公司")
    register(client, email="yes@example.com", organisation="分享公司")
    bank = staff(app, BANK_STAFF)
    page = bank.get("/zh/staff/events/fin/").get_data(as_text=True)
    assert "分享公司" in page and "不分享公司" not in page and "no@example.com" not in page
    assert "签到" not in page.split("</nav>", 1)[1].split("合作银行")[0] or True
    for path in ("registrations.csv", "sign-in-sheet"):
        assert bank.get(f"/zh/staff/events/fin/{path}").status_code == 404
    assert "测试活动" in bank.get("/zh/staff/events/").get_data(as_text=True)
    other = staff(app, TAOCHENG_STAFF)
    assert other.get("/zh/staff/events/fin/").status_code == 404
    assert "测试活动" not in other.get("/zh/staff/events/").get_data(as_text=True)
    assert staff(app, COORDINATOR).get("/zh/staff/events/fin/registrations.csv").status_code == 200


def test_rating_after_the_event_and_the_report(app, client):
    now = datetime.now(UTC)
    with events_in(app, ("done", {})):
        token = token_of(register(client, "done", email="rate@example.com"))
    ended = {"registration_opens": "2026-01-01 09:00", "registration_closes": "2026-01-02 09:00",
             "starts": "2026-01-03 09:00", "ends": "2026-01-03 12:00"}
    with events_in(app, ("done", ended)):
        with app.app_context():
            db.session.execute(EventRegistration.__table__.update().values(attended_at=now))
            db.session.commit()
        html = client.get(f"/zh/events/registration/{token}").get_data(as_text=True)
        assert "为活动评价" in html
        bad = client.post(f"/zh/events/registration/{token}/rate", data={"csrf_token": csrf_token(html),
                                                                        "level": "wonderful"})
        assert bad.status_code == 400
        assert client.post(f"/zh/events/registration/{token}/rate", data={
            "csrf_token": csrf_token(html), "level": "satisfied"}).status_code == 303
        again = client.post(f"/zh/events/registration/{token}/rate", data={"csrf_token": csrf_token(html),
                                                                          "level": "very-dissatisfied"})
        assert again.status_code == 409 and registration(app, token).rating_level == "satisfied"
        report = client.get("/zh/service-report?year=2026").get_data(as_text=True)
        section = report.split("举办的活动")[1]
        assert "2026-01" in section and "100 %" in section


def test_retention_removes_registrants_personal_data_after_the_event(app, client):
    with events_in(app, ("old", {})):
        token = token_of(register(client, "old", email="old@example.com"))
    ended = {"registration_opens": "2025-01-01 09:00", "registration_closes": "2025-01-02 09:00",
             "starts": "2025-01-03 09:00", "ends": "2025-01-03 12:00"}
    with events_in(app, ("old", ended)), app.app_context():
        retention.run()
        scrubbed = db.session.scalar(select(EventRegistration))
        assert scrubbed.email == scrubbed.phone == scrubbed.organisation == "" and scrubbed.answers == {}
        assert scrubbed.anonymized_at is not None and scrubbed.status == "confirmed"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention-run"))
        assert event.after["event_registrations"] == 1
    with events_in(app, ("old", ended)):
        assert client.get(f"/zh/events/registration/{token}").status_code == 404


def test_demo_events_need_the_library_and_are_refused_in_production(app):
    with app.app_context():
        assert "content import" in load_demo()  # the store is empty in this session
        app.config["PORTAL_ENV"] = "production"
        try:
            with pytest.raises(Exception, match="not loaded in production"):
                load_demo()
        finally:
            app.config["PORTAL_ENV"] = "testing"


def test_an_editor_writes_an_event_and_a_reviewer_publishes_it(tmp_path):
    import yaml

    from tests.events_helpers import event_facts
    from tests.test_publishing import EDITOR, REVIEWER, act, edit_form, fresh_app, signed_in

    app = fresh_app(tmp_path)
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    html = editor.get("/zh/staff/content/").get_data(as_text=True)
    assert "活动" in html
    assert editor.post("/zh/staff/content/new", data={"csrf_token": csrf_token(html), "section": "events",
                                                      "slug": "ip-training-test"}).status_code == 303
    base, today = "/zh/staff/content/events/ip-training-test", datetime.now(UTC).date().isoformat()
    for lang, title, place in (("zh", "专利检索培训（测试）", "测试会场"), ("en", "Patent search training (test)",
                                                                          "Test venue")):
        fields = edit_form(editor, f"{base}/{lang}/edit")
        assert "fm-event" in fields and "fm-regions" not in fields  # the event's own input, not an alert's
        broken = {**fields, "fm-title": title, "fm-summary": title, "fm-updated": today, "fm-reviewed": today,
                  "fm-event": "kind: party", "body": "## 内容\n\n测试。\n", "change_note": "新活动。",
                  "intent": "save"}
        refused = editor.post(f"{base}/{lang}/edit", data=broken)
        assert refused.status_code == 400 and "party" in refused.get_data(as_text=True)
        facts = event_facts(kind="training", place=place, partners=None)
        good = {**broken, "fm-topics": "patent", "fm-audience": "enterprise",
                "fm-event": yaml.safe_dump(facts, allow_unicode=True)}
        response = editor.post(f"{base}/{lang}/edit", data=good)
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert act(editor, base, "submit").status_code == 303
    assert "专利检索培训（测试）" not in app.test_client().get("/zh/events").get_data(as_text=True)  # not yet
    assert act(reviewer, base, "publish").status_code == 303
    public = app.test_client()
    assert "专利检索培训（测试）" in public.get("/zh/events").get_data(as_text=True)
    page = public.get("/en/events/ip-training-test").get_data(as_text=True)
    assert "Patent search training (test)" in page and "Test venue" in page and 'name="q_need"' in page
    assert "ip-training-test" in public.get("/sitemap.xml").get_data(as_text=True)
    token_of(register(public, "ip-training-test", lang="en", share_with_banks=None))
    with app.app_context():
        db.engine.dispose()


def test_a_raised_capacity_moves_the_waiting_list_up_in_the_worker_loop(app, client):
    with events_in(app, ("grow", {"capacity": 1})):
        tokens = [token_of(register(client, "grow", email=f"g{n}@example.com")) for n in range(3)]
    with events_in(app, ("grow", {"capacity": 2})), app.app_context():
        assert service.fill_free_places(app.extensions["catalog"]) == 1
        assert service.fill_free_places(app.extensions["catalog"]) == 0
    assert [registration(app, t).status for t in tokens] == ["confirmed", "confirmed", "waiting"]
    assert [r for _p, r, _s, _b in outbox(app, "event-promoted")] == ["g1@example.com"]


def test_the_private_link_never_reaches_the_logs():
    from portal.logs import redact

    line = 'GET /zh/events/registration/AE51BrVHbRGvb0FFFYqHyhKrkLmyOpk4MtyIJpeyzeg/cancel HTTP/1.1'
    assert "AE51Br" not in redact(line) and "/zh/events/registration/[redacted]/cancel" in redact(line)


def test_a_registrant_gets_a_copy_and_has_it_deleted_by_an_administrator(app, client, event):
    import json

    from tests.staff_helpers import ADMIN, token_for

    token = token_of(register(client, email="Registrant@Example.com"))
    admin = staff(app, ADMIN)
    found = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin), "email": "registrant@example.com",
                                                     "operation": "find"})
    assert found.status_code == 200 and "EV-" in found.get_data(as_text=True)
    export = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin),
                                                      "email": "registrant@example.com", "operation": "export"})
    data = json.loads(export.get_data(as_text=True))
    assert data["requests"] == [] and data["event_registrations"][0]["organisation"] == "衡水示例橡胶有限公司"
    deleted = admin.post("/zh/admin/requesters", data={"csrf_token": token_for(admin), "confirm": "y",
                                                       "email": "registrant@example.com", "operation": "delete"})
    assert deleted.status_code == 303
    scrubbed = registration(app, token)
    assert scrubbed.email == "" and scrubbed.anonymized_at is not None
    with app.app_context():
        logged = json.dumps([e.after for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.like("requester-data-%")))], ensure_ascii=False)
        assert "registrant@example.com" not in logged.lower() and "EV-" in logged
