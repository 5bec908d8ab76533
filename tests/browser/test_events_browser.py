"""Events in a real browser against a real gunicorn of its own (content imported, the demo events
loaded, one small event published into the store): a visitor registers and cancels, the first on
the waiting list is confirmed and told by e-mail; axe finds no WCAG 2.1 A/AA violation on the
events pages in both languages (the list, an event with its form blank and with errors, a
registration, the organiser's pages and the sign-in sheet)."""

import os
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from unittest import mock

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_staff_browser import sign_in
from tests.events_helpers import event_text
from tests.support.net import free_port
from tests.support.server import flask_here, portal_env, start_gunicorn, stop


def publish_event(env, slug, **facts):
    """Publish an event straight into this instance's content store, as a reviewer would have."""
    from portal import create_app
    from portal.content import live_catalog, store
    from portal.db import db
    from portal.events.demo import _publish

    with mock.patch.dict(os.environ, env, clear=True):
        app = create_app()
        with app.app_context():
            for lang in ("zh", "en"):
                _publish("events", slug, lang, event_text(lang, title=f"旅程活动 {lang}" if lang == "zh"
                                                                       else "Journey event", **facts),
                         datetime.now(UTC))
            generation = store.raise_generation()
            db.session.commit()
            live_catalog(app).announce(generation)
            db.engine.dispose()


@pytest.fixture(scope="module")
def events_server(tmp_path_factory, seeded_instance):
    instance = tmp_path_factory.mktemp("events-browser")
    port = free_port()
    env = portal_env(instance, PORTAL_SEARCH_INDEX_DIR=seeded_instance(instance), PORT=port,
                     PORTAL_SITE_URL=f"http://127.0.0.1:{port}")
    flask_here(env, "content", "import")
    assert "6 demo event pages published" in flask_here(env, "events", "demo")
    publish_event(env, "journey", capacity=1, partners=None)
    process = start_gunicorn(env, port, tmp_path_factory.mktemp("gunicorn") / "server.log")
    yield f"http://127.0.0.1:{port}", env, Path(instance)
    stop(process)


def register(page, lang, slug, email, organisation):
    page.goto(f"/{lang}/events/{slug}")
    page.locator("#applicant_kind-0").check()
    page.locator("#organisation").fill(organisation)
    page.locator("#credit_code").fill("91110000600037341L")
    page.locator("#contact_name").fill("李四")
    page.locator("#phone").fill("13803181234")
    page.locator("#email").fill(email)
    page.locator("#q_need").fill("300万元")
    page.locator("#consent").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/events/registration/" in page.url, page.locator("main").inner_text()[:1500]


def test_register_cancel_and_the_first_waiting_is_confirmed_and_told(browser, events_server):
    server, env, instance = events_server
    first = browser.new_context(base_url=server).new_page()
    register(first, "zh", "journey", "first@example.com", "第一家示例公司")
    assert "已确认：您有名额。" in first.content() and run_axe(first) == []
    second = browser.new_context(base_url=server).new_page()
    register(second, "en", "journey", "second@example.com", "Second Example Co")
    assert "On the waiting list." in second.content()
    private_link = second.url.split("#")[0]

    first.locator("#confirm").check()
    first.get_by_role("button", name="取消我的报名").click()
    first.wait_for_load_state()
    assert "您的报名已取消" in first.content() and "已取消。" in first.content()

    flask_here(env, "outbox", "send")
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in sorted((instance / "mail").glob("*-event-promoted.eml"))]
    assert [mail["To"] for mail in mails] == ["second@example.com"]
    assert "A place came free" in mails[0]["Subject"] and private_link in mails[0].get_content()
    second.goto(private_link)
    assert "Confirmed: you have a place." in second.content()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_events_pages_have_no_axe_violations(browser, events_server, lang):
    server, _env, _instance = events_server
    page = browser.new_context(base_url=server).new_page()
    page.goto(f"/{lang}/events")
    assert page.locator(".event-card").count() >= 4 and run_axe(page) == []
    page.goto(f"/{lang}/events?kind=financing-day")
    assert page.locator(".event-card").count() == 2 and "demo-training" not in page.content()  # and the journey's
    assert run_axe(page) == []
    page.goto(f"/{lang}/events/demo-financing-day")
    assert run_axe(page) == []
    page.locator("form button[type=submit]").last.click()  # nothing filled in: errors
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1 and run_axe(page) == []
    page.goto(f"/{lang}/events/demo-school-session")
    assert page.locator("input[name=slot]").count() == 4 and run_axe(page) == []
    page.goto(f"/{lang}/events/demo-training")
    assert run_axe(page) == []

    staff = browser.new_context(base_url=server).new_page()
    sign_in(staff, "staff-center@demo.invalid", lang=lang)
    staff.goto(f"/{lang}/staff/events/")
    assert run_axe(staff) == []
    staff.goto(f"/{lang}/staff/events/demo-financing-day/")
    assert staff.locator("tbody tr").count() == 13 and run_axe(staff) == []
    staff.locator("form button[type=submit]").last.click()  # an empty message: errors
    staff.wait_for_load_state()
    assert staff.locator(".error-summary").count() == 1 and run_axe(staff) == []
    staff.goto(f"/{lang}/staff/events/demo-financing-day/sign-in-sheet")
    assert staff.locator("td.signature-cell").count() == 10 and run_axe(staff) == []
    staff.emulate_media(media="print")
    assert not staff.locator(".staff-nav").is_visible() and not staff.locator(".site-header").is_visible()
