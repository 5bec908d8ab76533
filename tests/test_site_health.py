"""Site health: columns going stale as the clock moves and the editors' e-mail sent once per cycle,
reply limits and their escalation, the footer identifiers on every page (error pages too), the
production start-up refusal, the contact page, problem reports, care mode and the dashboard."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ConfigError
from portal.db import db
from portal.models import OutboxMessage, RatingFollowUp, User
from portal.sitehealth import columns, replies, service
from portal.sitehealth.models import ColumnNotice, ProblemReport, ReplyEscalation
from portal.sla import load_calendar
from tests.staff_helpers import ADMIN, COORDINATOR, csrf_of, login, make_request


@dataclass(frozen=True)
class FakePage:
    kind: str
    updated: date
    reviewed: date
    date: object = None  # an alert's own date


KNOWN = {"alert", "guide", "material", "page"}


def states(pages, today, cycles=None, warn=3, known=KNOWN):
    return {s.column.kind: s for s in columns.column_states(pages, known, cycles or columns.parse_cycles(""),
                                                           today, warn)}


# Columns

def test_a_column_goes_stale_as_the_clock_moves():
    alert = FakePage("alert", date(2026, 11, 1), date(2026, 11, 1), date=date(2026, 12, 1))
    seen = [(day, states([alert], date(2026, 12, day))["alert"]) for day in (1, 11, 12, 15, 16, 30)]
    assert [(day, s.status, s.days_left) for day, s in seen] == [
        (1, "ok", 14), (11, "ok", 4), (12, "soon", 3), (15, "soon", 0), (16, "stale", -1), (30, "stale", -15)]
    assert seen[0][1].latest == date(2026, 12, 1)  # an alert's own date, not when it was edited


def test_kinds_the_catalog_does_not_have_yet_are_left_out_and_empty_ones_shown():
    today = date(2026, 12, 1)
    shown = states([FakePage("guide", today, date(2026, 6, 1))], today)
    assert list(shown) == ["alert", "material", "guide"]  # no notice, policy, interpretation, event yet
    assert shown["alert"].status == "empty" and shown["alert"].cycle == "empty"
    later = states([], today, known=KNOWN | {"notice", "policy", "interpretation", "event"})
    assert list(later) == ["alert", "event", "notice", "policy", "interpretation", "material", "guide"]
    assert (later["notice"].days, later["event"].days) == (columns.SIX_MONTHS, columns.TWO_WEEKS)


def test_guides_count_from_their_oldest_review():
    today = date(2026, 12, 1)
    guides = [FakePage("guide", today, date(2026, 11, 20)), FakePage("guide", today, date(2026, 5, 1))]
    state = states(guides, today)["guide"]
    assert state.latest == date(2026, 5, 1) and state.status == "stale"


def test_column_cycles_are_settings():
    assert columns.parse_cycles("alert=7, notice=90")["alert"] == 7
    assert columns.parse_cycles("")["policy"] == 183
    for bad in ("alert=0", "alert=x", "news=14"):
        with pytest.raises(ValueError):
            columns.parse_cycles(bad)
    with pytest.raises(ConfigError, match="PORTAL_COLUMN_CYCLE_DAYS"):
        create_app({"TESTING": True, "PORTAL_ENV": "testing", "COLUMN_CYCLE_DAYS": "alert=none"})


def _column_mails(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose.like("column-%"))).all()


def test_the_stale_column_email_goes_once_per_column_and_cycle(app):
    with app.app_context():
        editors = db.session.scalars(select(User.email).where(User.role == "editor", User.active)).all()
        latest = max(p.date for p in app.extensions["catalog"] if p.kind == "alert" and p.lang == "zh")
        early = latest + timedelta(days=5)
        # Other columns (an empty one, a stale one) may be e-mailed about too: this follows the alerts.
        assert "alert" not in service.notify_stale_columns(early)  # 9 days left: nobody is told yet
        soon = latest + timedelta(days=12)
        assert "alert" in service.notify_stale_columns(soon)
        assert service.notify_stale_columns(soon) == []  # nothing twice, whatever the column
        assert "alert" not in service.notify_stale_columns(latest + timedelta(days=40))  # stale now: same cycle
        assert db.session.scalar(select(func.count(ColumnNotice.id)).where(ColumnNotice.column == "alert")) == 1
    mails = [mail for mail in _column_mails(app) if mail.purpose.startswith("column-alert-")]
    assert sorted(m.recipient for m in mails) == sorted(editors) and editors
    assert "海外风险预警" in mails[0].subject  # the column's name, in the editor's language


def test_the_worker_loop_runs_the_checks_once_a_day(app, monkeypatch):
    ran = []
    monkeypatch.setattr(service, "run_checks", lambda external=True: ran.append(1))
    names = [task.name for task in app.extensions["worker_tasks"]]
    assert "site check (links, columns)" not in names and "reply-limit escalation" in names  # suite: hours 0
    daily = create_app({**{key: app.config[key] for key in ("TESTING", "PORTAL_ENV", "INSTANCE_DIR", "CONTENT_DIR",
                                                             "SEARCH_INDEX_DIR")}, "SITE_CHECK_HOURS": 24})
    assert {task.name: task.seconds for task in daily.extensions["worker_tasks"]}[
        "site check (links, columns)"] == 24 * 3600
    monkeypatch.setitem(app.config, "SITE_CHECK_HOURS", 24)
    with app.app_context():
        service.daily_task()  # in a thread of its own: the loop's other tasks do not wait
        service.check_thread.join()
        db.session.add(service.SiteCheckRun(started_at=datetime.now(UTC), finished_at=datetime.now(UTC)))
        db.session.commit()
        service.check_thread = None
        service.daily_task()  # another loop (or cron) finished one within the period
        assert service.check_thread is None
    assert ran == [1]


# Replies

def test_reply_clock_states_and_the_three_month_limit():
    calendar = load_calendar()
    received = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Beijing time
    clock = replies.clock_for("request", 1, "HS2026-000001", received, 5, calendar, 1, 3)
    assert clock.due_at == datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # end of Tuesday 8 December, Beijing
    assert clock.hard_due_at == datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    moments = [received, datetime(2026, 12, 7, 17, 0, tzinfo=UTC), datetime(2026, 12, 8, 17, 0, tzinfo=UTC),
               datetime(2027, 3, 1, 3, 0, tzinfo=UTC)]
    assert [clock.state(moment) for moment in moments] == ["ok", "soon", "overdue", "hard"]
    assert replies.add_months(datetime(2026, 11, 30, tzinfo=UTC), 3) == datetime(2027, 2, 28, tzinfo=UTC)
    days = replies.parse_reply_days("", {"rights-protection": 1})
    assert (days["default"], days["rights-protection"], days["report"]) == (5, 7, 5)
    with pytest.raises(ValueError):
        replies.parse_reply_days("lawsuit=3", {"general": 1})


def mailed(purpose):
    return set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.purpose == purpose)))


def test_reply_limit_escalation_once_per_stage(app, client):
    request_id = make_request(app, client, "bank-a", request_type="general")
    with app.app_context():
        received = service.reply_clocks()[0].received_at
        coordinators = set(db.session.scalars(select(User.email).where(User.role == "coordinator", User.active)))
        admins = set(db.session.scalars(select(User.email).where(User.role == "admin", User.active)))
        assert service.escalate_replies(received + timedelta(days=1)) == 0
        assert service.escalate_replies(received + timedelta(days=10)) == 1
        assert service.escalate_replies(received + timedelta(days=11)) == 0
        assert mailed(f"reply-limit-request-{request_id}") == coordinators
        assert service.escalate_replies(received + timedelta(days=95)) == 1  # the 3-month limit
        assert mailed(f"reply-hard-request-{request_id}") == coordinators | admins
        assert db.session.scalar(select(func.count(ReplyEscalation.id))) == 2


def test_follow_ups_and_reports_are_on_the_reply_clock(app, client):
    request_id = make_request(app, client, "bank-a")
    now = datetime.now(UTC)
    with app.app_context():
        db.session.add(RatingFollowUp(request_id=request_id, opened_at=now, due_at=now + timedelta(days=20)))
        db.session.commit()
        report = service.save_report("/zh/guides/", "zh", "链接打不开", "")
        kinds = {clock.kind for clock in service.reply_clocks(now)}
        assert kinds == {"request", "follow-up", "report"}
        assert service.escalate_replies(now + timedelta(days=30)) == 3
        editors = set(db.session.scalars(select(User.email).where(User.role == "editor", User.active)))
        assert mailed(f"reply-limit-report-{report.id}") == editors


# Footer identifiers and the production refusal

def test_production_refuses_to_start_without_operator_and_icp(monkeypatch, tmp_path):
    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "k" * 40, "SITE_URL": "https://ip.example",
                "INSTANCE_DIR": tmp_path / "instance"}
    monkeypatch.delenv("PORTAL_OPERATOR")
    monkeypatch.delenv("PORTAL_ICP_NUMBER")
    with pytest.raises(ConfigError, match="PORTAL_OPERATOR and PORTAL_ICP_NUMBER"):
        create_app(settings)
    monkeypatch.setenv("PORTAL_OPERATOR", "衡水市某单位")
    with pytest.raises(ConfigError, match="PORTAL_ICP_NUMBER"):
        create_app(settings)
    monkeypatch.setenv("PORTAL_ICP_NUMBER", "冀ICP备00000000号")
    app = create_app(settings)
    assert app.config["SITE_FACTS_DEMO"] == []  # production never shows demo values


def test_development_shows_demo_values_marked_demo(monkeypatch, tmp_path):
    for name in ("PORTAL_OPERATOR", "PORTAL_OPERATOR_EN", "PORTAL_ICP_NUMBER"):
        monkeypatch.delenv(name)
    app = create_app({"PORTAL_ENV": "development", "INSTANCE_DIR": tmp_path / "instance"})
    assert "演示" in app.config["SITE_OPERATOR_ZH"] and "demo" in app.config["SITE_OPERATOR_EN"].lower()
    assert "演示" in app.config["ICP_NUMBER"] and "ICP_NUMBER" in app.config["SITE_FACTS_DEMO"]


@pytest.mark.parametrize("path", ["/zh/", "/en/guides/", "/zh/no-such-page", "/en/requests/status/" + "x" * 43])
def test_every_page_has_the_footer_identifiers_error_pages_too(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 404)
    assert "测试主办单位（测试数据）" in html or "Test operator (test data)" in html
    assert 'href="https://beian.miit.gov.cn/"' in html and "测ICP备00000000号（测试数据）" in html
    lang = path.split("/")[1]
    assert f'href="/{lang}/contact"' in html
    assert f'href="/{lang}/report-a-problem?page={path}"' in html


def test_public_security_number_and_site_code_when_set(app):
    other = create_app({**{key: app.config[key] for key in ("TESTING", "PORTAL_ENV", "INSTANCE_DIR", "CONTENT_DIR",
                                                             "SEARCH_INDEX_DIR")},
                        "PSB_NUMBER": "冀公网安备13110202000001号", "SITE_CODE": "1311000001"})
    html = other.test_client().get("/zh/contact").get_data(as_text=True)
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=13110202000001"' in html
    assert "1311000001" in html


def test_the_contact_page_and_the_about_page_name_the_operator(client):
    html = client.get("/zh/contact").get_data(as_text=True)
    assert "测试主办单位（测试数据）" in html and "12345" in html
    for path in ("/zh/about", "/zh/privacy", "/en/privacy"):
        page = client.get(path).get_data(as_text=True)
        main = page[page.index("<main"):page.index("</main>")]
        assert "测试主办单位（测试数据）" in main or "Test operator (test data)" in main, path


# Problem reports

def test_a_problem_report_reaches_the_dashboard_and_the_reply_clock(app, client):
    form = client.get("/zh/report-a-problem?page=/zh/guides/trademark-registration?q=私人").get_data(as_text=True)
    assert 'name="page" value="/zh/guides/trademark-registration"' in form  # no query string kept
    response = client.post("/zh/report-a-problem", data={
        "csrf_token": csrf_of(form), "page": "/zh/guides/trademark-registration", "what": "费用一节的日期写错了",
        "email": "reader@example.com", "website": ""})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.scalars(select(ProblemReport)).one()
        assert (report.page_path, report.email, report.lang) == ("/zh/guides/trademark-registration",
                                                                 "reader@example.com", "zh")
        assert report.due_at > report.created_at
    editor = app.test_client()
    login(editor, "editor@demo.invalid")
    html = editor.get("/zh/staff/site-health").get_data(as_text=True)
    assert "/zh/guides/trademark-registration" in html and "费用一节的日期写错了" in html
    answer = editor.post(f"/zh/staff/site-health/reports/{report.id}", data={"csrf_token": csrf_of(html),
                                                                            "note": "已更正"})
    assert answer.status_code == 303
    assert editor.post(f"/zh/staff/site-health/reports/{report.id}", data={
        "csrf_token": csrf_of(html), "note": "again"}).status_code == 404
    with app.app_context():
        assert db.session.get(ProblemReport, report.id).answered_at is not None


def test_a_report_without_text_keeps_what_was_typed(client):
    form = client.get("/en/report-a-problem?page=/en/").get_data(as_text=True)
    response = client.post("/en/report-a-problem", data={"csrf_token": csrf_of(form), "page": "/en/", "what": "",
                                                         "email": "not-an-address"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-summary"' in html and "autofocus" in html
    assert 'value="not-an-address"' in html
    assert '<a class="skip-link" href="#error-summary">' in html
    assert html.index('href="#error-summary"') < html.index('href="#main"')  # the first thing Tab reaches


def test_reports_are_rate_limited(app):
    limited = create_app({**{key: app.config[key] for key in ("TESTING", "PORTAL_ENV", "INSTANCE_DIR", "CONTENT_DIR",
                                                               "SEARCH_INDEX_DIR")},
                          "REPORT_RATE_LIMIT": "2 per hour", "RATELIMIT_KEY_PREFIX": "report-limit-test"})
    client = limited.test_client()
    codes = []
    for _ in range(3):
        form = client.get("/zh/report-a-problem?page=/zh/").get_data(as_text=True)
        codes.append(client.post("/zh/report-a-problem", data={"csrf_token": csrf_of(form), "page": "/zh/",
                                                                "what": "测试"}).status_code)
    assert codes == [303, 303, 429]


def test_a_report_without_the_csrf_token_is_refused(client):
    response = client.post("/zh/report-a-problem", data={"page": "/zh/", "what": "x"})
    assert response.status_code == 400


# Care mode

def test_care_mode_is_set_for_the_visit_and_the_page_cache_keeps_both(app):
    client = app.test_client()
    assert 'class="care"' not in client.get("/zh/guides/trademark-registration").get_data(as_text=True)
    response = client.post("/zh/care-mode", data={"on": "1", "next": "/zh/guides/trademark-registration"})
    assert response.status_code == 303 and response.headers["Location"] == "/zh/guides/trademark-registration"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("care=1") and "Expires" not in cookie and "Max-Age" not in cookie  # for the visit
    cared = client.get("/zh/guides/trademark-registration")
    assert 'class="care"' in cared.get_data(as_text=True) and "Cookie" in cared.headers["Vary"]
    assert "标准版" in cared.get_data(as_text=True)
    other = app.test_client()
    assert 'class="care"' not in other.get("/zh/guides/trademark-registration").get_data(as_text=True)
    client.post("/zh/care-mode", data={"on": "0", "next": "https://evil.example/"})
    assert 'class="care"' not in client.get("/zh/guides/trademark-registration").get_data(as_text=True)
    assert client.post("/zh/care-mode", data={"on": "1", "next": "//evil.example"}).headers["Location"] == "/zh/"
    back = client.post("/zh/care-mode", data={"on": "1", "next": "/zh/search?q=商标&page=2"}).headers["Location"]
    assert back == "/zh/search?q=%E5%95%86%E6%A0%87&page=2" or back == "/zh/search?q=商标&page=2"  # the same results


def test_the_menu_folds_behind_one_control_without_script(client):
    html = client.get("/en/").get_data(as_text=True)
    nav = html[html.index('<nav class="main-nav"'):html.index("</nav>", html.index('<nav class="main-nav"'))]
    assert "<details" in nav and "<summary>Menu</summary>" in nav and "<script" not in html


def test_the_accessibility_statement_mentions_care_mode(client):
    zh = client.get("/zh/accessibility").get_data(as_text=True)
    en = client.get("/en/accessibility").get_data(as_text=True)
    assert "关怀版" in zh and "care mode" in en.lower()
    assert "广告" in zh and "advert" in en.lower()


# The dashboard

def test_the_dashboard_shows_each_section_to_admins_editors_and_reviewers(app):
    for who in (ADMIN, "editor@demo.invalid", "reviewer@demo.invalid"):
        client = app.test_client()
        assert login(client, who).status_code == 303
        response = client.get("/en/staff/site-health")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        for section in ('id="columns"', 'id="links"', 'id="words"', 'id="replies"', 'id="reports"', 'id="facts"'):
            assert section in html, (who, section)
        assert "Overseas risk alerts" in html
    coordinator = app.test_client()
    login(coordinator, COORDINATOR)
    assert coordinator.get("/en/staff/site-health").status_code == 403


def test_the_bare_page_for_a_forged_host_names_the_operator_too(app):
    other = create_app({**{key: app.config[key] for key in ("TESTING", "PORTAL_ENV", "INSTANCE_DIR", "CONTENT_DIR",
                                                             "SEARCH_INDEX_DIR")},
                        "TRUSTED_HOSTS": ["portal.example"], "SITE_OPERATOR_ZH": "<b>某单位</b>"})
    response = other.test_client().get("/zh/", headers={"Host": "evil.example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&lt;b&gt;某单位&lt;/b&gt;" in html and 'href="https://beian.miit.gov.cn/"' in html


def test_care_mode_switch_posted_from_another_site_is_refused(client):
    # No CSRF token on the cached pages, so the Origin (or Referer) header must be this site's.
    foreign = client.post("/zh/care-mode", data={"on": "1", "next": "/zh/"},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "care=1" not in foreign.headers.get("Set-Cookie", "")
    via_referer = client.post("/zh/care-mode", data={"on": "1"}, headers={"Referer": "https://evil.example/x"})
    assert via_referer.status_code == 403
    here = client.post("/zh/care-mode", data={"on": "1", "next": "/zh/"}, headers={"Origin": "http://localhost"})
    assert here.status_code == 303 and "care=1" in here.headers["Set-Cookie"]
