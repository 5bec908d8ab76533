"""Shared fixtures: the app built from the real content, and helpers to build throwaway content.

Isolation: the session builds one app (search index, migrations, demo seed) and keeps a copy of
its seeded SQLite database; `app` puts that copy back before each test, so every test starts
from the demo data and nothing an earlier test left. PostgreSQL tests get this run's own
database (`postgres_url`, created and dropped by the session). The real content's catalog is
built once per session and shared by every app the tests create on it.
"""

import email
import shutil
import sqlite3
import textwrap
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import make_url
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

import portal.content.live
from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.institutions.assignment import forget_routing_tables
from tests.support import postgres
from tests.support.forms import CSRF, FORM_TOKEN, check_page_fields, form_tokens
from tests.support.net import free_port

__all__ = ["CSRF", "FORM_TOKEN"]  # for the tests that scrape pages themselves


@pytest.fixture(scope="session", autouse=True)
def one_catalog():
    """The catalog of the real content/ folder, loaded once: every create_app on it reuses it (it is
    immutable). Another folder (the tests' throwaway content) is loaded as the app would."""
    # The name is looked up where LiveCatalog.load calls it (portal/content/live.py).
    load = portal.content.live.load_catalog
    real, loaded = (ROOT / "content").resolve(), {}

    def load_once(content_dir, *args, **kwargs):
        if Path(content_dir).resolve() != real or args or kwargs:
            return load(content_dir, *args, **kwargs)
        if "catalog" not in loaded:
            loaded["catalog"] = load(content_dir)
        return loaded["catalog"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(portal.content.live, "load_catalog", load_once)
        yield loaded


@pytest.fixture(scope="session", autouse=True)
def site_identifiers():
    """Production refuses to start without the operator and the ICP number (portal/config.py): every
    test and server in production mode gets these test values unless it sets its own (the refusal
    itself is tested in tests/test_site_health.py). Worker loops never run the daily site check."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_OPERATOR", "测试主办单位（测试数据）")
        patch.setenv("PORTAL_OPERATOR_EN", "Test operator (test data)")
        patch.setenv("PORTAL_ICP_NUMBER", "测ICP备00000000号（测试数据）")
        # No worker loop of the suite checks the shipped pages' external links (the network).
        patch.setenv("PORTAL_SITE_CHECK_HOURS", "0")
        yield


@pytest.fixture(scope="session")
def postgres_url():
    """This run's own PostgreSQL database (portal_test_<random> on PORTAL_TEST_POSTGRES_URL's
    server), created on first use and dropped when the session ends, failed or not. Tests that
    need an empty schema call `tests.support.postgres.empty_schema(postgres_url)`."""
    if not postgres.available():
        pytest.skip(postgres.UNAVAILABLE)
    with postgres.throwaway_database() as url:
        yield url


def sqlite_path(app):
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def copy_sqlite(source, target):
    """SQLite's online backup: a consistent copy, written through the target's WAL journal."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory):
    """The app on the real content, with a search index built once for the session, migrated and
    seeded once; returns (app, a copy of the seeded database)."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": instance,
                      "CONTENT_DIR": ROOT / "content", "SITE_URL": "https://portal.example",
                      "SEARCH_INDEX_DIR": tmp_path_factory.mktemp("search_index"),
                      "UPLOAD_DIR": instance / "uploads", "SUBMIT_RATE_LIMIT": "10000 per hour",
                      "TRACK_RATE_LIMIT": "10000 per hour", "LOGIN_RATE_LIMIT": "10000 per hour",
                      "RESET_RATE_LIMIT": "10000 per hour", "SEARCH_RATE_LIMIT": "100000 per hour",
                      "DB_PAGES_CACHE_SECONDS": 0})
    runner = app.test_cli_runner()
    for command in (["search", "build"], ["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    seeded = tmp_path_factory.mktemp("seeded") / "portal.db"
    with app.app_context():
        db.engine.dispose()
    copy_sqlite(sqlite_path(app), seeded)
    return app, seeded


@pytest.fixture(scope="session")
def search_index(seeded_app):
    """The session's search index folder, built once on the real content: for apps and servers
    that only read it."""
    return seeded_app[0].config["SEARCH_INDEX_DIR"]


@pytest.fixture(scope="session")
def seeded_instance(seeded_app, search_index):
    """A function filling an instance folder with what `flask db upgrade` and `flask seed demo`
    leave there (a copy of the session's seeded database); returns the session's search index
    folder, built on the real content, for PORTAL_SEARCH_INDEX_DIR. Saves the processes real
    servers (gunicorn in the browser and fault tests) would otherwise run first."""
    _app, seeded = seeded_app

    def fill(instance):
        Path(instance).mkdir(parents=True, exist_ok=True)
        copy_sqlite(seeded, Path(instance) / "portal.db")
        return search_index
    return fill


@pytest.fixture()
def app(seeded_app):
    """The session's app, its database put back to the seeded state (the demo institutions, rules
    and accounts; no requests, messages or subscriptions) and its upload folder emptied."""
    app, seeded = seeded_app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no pooled connection keeps the old state
        copy_sqlite(seeded, sqlite_path(app))
        forget_routing_tables()
    for stored in Path(app.config["UPLOAD_DIR"]).glob("*"):
        shutil.rmtree(stored) if stored.is_dir() else stored.unlink()
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def catalog(app):
    return app.extensions["catalog"]


GUIDE_BODY = {
    "zh": "".join(f"## {title}\n\n内容。\n\n" for title in (
        "适用对象", "办理条件", "办理地点和方式", "申请材料", "办理步骤", "办理时限",
        "费用", "法律依据", "进度查询", "本地求助", "常见错误", "常见问题")),
    "en": "".join(f"## {title}\n\nText.\n\n" for title in (
        "Who this is for", "Conditions", "Where and how to apply", "Materials to prepare", "Steps",
        "Time limits", "Fees", "Legal basis", "Checking progress", "Local help", "Common mistakes", "FAQ")),
}


def front_matter(**overrides):
    meta = {
        "title": "测试指南", "summary": "一句话摘要。", "kind": "guide", "topics": "[trademark]",
        "audience": "[enterprise]", "request_type": "trademark-gi", "updated": "2026-01-05",
        "reviewed": "2026-01-06",
        "sources": "\n  - title: 商标法\n    url: https://www.cnipa.gov.cn/art/2019/7/30/art_95_28179.html"
                   "\n    checked: 2026-01-06",
    }
    meta.update(overrides)
    lines = [f"{key}: {value}" for key, value in meta.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


@pytest.fixture()
def make_content(tmp_path):
    """Write content files into a temporary folder: make_content({"guides/x.zh.md": text})."""
    def make(files):
        for name, text in files.items():
            path = tmp_path / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path / "content"
    return make


@pytest.fixture()
def guide_pair():
    """A valid guide in both languages, as a files mapping for make_content."""
    return {
        "guides/demo.zh.md": front_matter() + GUIDE_BODY["zh"],
        "guides/demo.en.md": front_matter(title="Test guide", summary="One sentence.") + GUIDE_BODY["en"],
    }


VALID_CREDIT_CODE = "91110000600037341L"  # check character computed by GB 32100-2015

TYPE_FIELDS = {
    "pledge-financing": {"ip_kind": "patent", "amount": "500万元"},
    "trademark-gi": {"subject": "gi", "mark": "衡水老白干"},
    "copyright-software": {"work_kind": "software"},
    "overseas-risk": {"region": "美国", "deadline": "2026-12-31"},
    "rights-protection": {"right_kind": "trademark", "where": "某网店"},
    "patent-advice": {"technology": "橡胶密封件"},
    "school-visit": {"pupils": "120", "grade_levels": ["junior", "senior"],
                     "preferred_dates": "三月的任一周二下午"},
    "general": {},
}


def valid_fields(request_type, **changes):
    fields = {"applicant_kind": "school" if request_type == "school-visit" else "enterprise",
              "organisation": "衡水示例橡胶有限公司", "credit_code": VALID_CREDIT_CODE, "contact_name": "张三",
              "phone": "+86 138-0318-1234", "email": "zhang@example.com", "county": "wuyi", "industry": "rubber",
              "description": "我们的产品在网上被仿冒销售，想了解怎么维权，需要哪些证据。", "consent": "y",
              **TYPE_FIELDS[request_type]}
    if request_type == "school-visit":
        fields["credit_code"] = ""
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def open_form(client, lang, request_type):
    """GET the form as a browser would: returns the tokens it carries."""
    return form_tokens(client.get(f"/{lang}/requests/new?type={request_type}").get_data(as_text=True))


def post_multipart(client, url, data):
    """POST a multipart body encoded in memory: werkzeug's test client spools large bodies to a
    temporary file it never closes, which the warnings-as-errors setting would report."""
    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                stream, name = item
                item = FileStorage(stream=stream, filename=name)
            fields.add(key, item)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def submit(client, lang, request_type, files=None, **changes):
    """Fill the form, then send it from the check page with the named recipient agreed to. A form
    refused at the first step returns that answer (400 with the errors)."""
    checked = check(client, lang, request_type, files, **changes)
    if checked.status_code != 200:
        return checked
    return send_checked(client, lang, request_type, checked)


def check(client, lang, request_type, files=None, **changes):
    """The form's own button: the check page (nothing saved), or the form again with its errors."""
    data = {**open_form(client, lang, request_type), **valid_fields(request_type, **changes)}
    if files:
        data["attachments"] = files
    return post_multipart(client, f"/{lang}/requests/new?type={request_type}", data)


def send_checked(client, lang, request_type, checked, step="send", recipient_consent=True):
    """Press a button of the check page `checked` (a response): "send" or "change"."""
    fields = check_page_fields(checked.get_data(as_text=True), step, recipient_consent)
    return post_multipart(client, f"/{lang}/requests/new?type={request_type}", fields)


class Inbox:
    """What a real SMTP server on loopback received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture()
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()
