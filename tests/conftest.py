"""Shared fixtures: the app built from the real content, and helpers to build throwaway content."""

import email
import re
import textwrap
from email import policy

import pytest
from aiosmtpd.controller import Controller
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal import create_app
from portal.config import ROOT
from tests.services import free_port


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on the real content, with a search index built once for the session."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": instance,
                      "CONTENT_DIR": ROOT / "content", "SITE_URL": "https://portal.example",
                      "SEARCH_INDEX_DIR": tmp_path_factory.mktemp("search_index"),
                      "UPLOAD_DIR": instance / "uploads", "SUBMIT_RATE_LIMIT": "10000 per hour",
                      "TRACK_RATE_LIMIT": "10000 per hour", "LOGIN_RATE_LIMIT": "10000 per hour",
                      "RESET_RATE_LIMIT": "10000 per hour"})
    runner = app.test_cli_runner()
    for command in (["search", "build"], ["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
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
        "sources": "\n  - title: 商标法\n    url: https://flk.npc.gov.cn/\n    checked: 2026-01-06",
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


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')
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
    html = client.get(f"/{lang}/requests/new?type={request_type}").get_data(as_text=True)
    return {"csrf_token": CSRF.search(html).group(1), "form_token": FORM_TOKEN.search(html).group(1)}


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
    data = {**open_form(client, lang, request_type), **valid_fields(request_type, **changes)}
    if files:
        data["attachments"] = files
    return post_multipart(client, f"/{lang}/requests/new?type={request_type}", data)


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
