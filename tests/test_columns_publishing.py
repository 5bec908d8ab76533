"""Notices, policies and interpretations through the publishing workflow (issue 14): an editor
uploads a file and writes a notice and an interpretation, a reviewer publishes them; the checks
refuse a broken policy↔interpretation link and a repealed file without its changing document;
attachments are checked by their bytes and served only as downloads; demo notices."""

import html
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.columns import attachments
from portal.columns.demo import DemoRefused, demo_pdf, demo_xlsx, seed_demo_notices
from portal.db import db
from tests.conftest import post_multipart
from tests.staff_helpers import csrf_of
from tests.test_publishing import EDITOR, REVIEWER, WITHDRAWN, act, edit_form, fresh_app, signed_in

UPLOADS = "/zh/staff/attachments/"
CITY_PLAN = "https://www.hengshui.gov.cn/art/2022/11/7/art_10442_449490.html"


@pytest.fixture()
def app(tmp_path):
    return fresh_app(tmp_path)


def upload(client, name, data, lang="zh"):
    url = UPLOADS.replace("/zh/", f"/{lang}/")
    token = csrf_of(client.get(url).get_data(as_text=True))
    return post_multipart(client, url, {"csrf_token": token, "file": (io.BytesIO(data), name)})


def stored(app):
    with app.app_context():
        return list(db.session.scalars(select(attachments.PublicAttachment)))


def new_page(client, section, slug):
    html = client.get("/zh/staff/content/").get_data(as_text=True)
    response = client.post("/zh/staff/content/new", data={"csrf_token": csrf_of(html), "section": section,
                                                          "slug": slug})
    assert response.status_code == 303, response.get_data(as_text=True)
    return f"/zh/staff/content/{section}/{slug}"


def save(client, base, lang, values, body):
    fields = edit_form(client, f"{base}/{lang}/edit")
    fields.update({f"fm-{key}": value for key, value in values.items()})
    fields.update(body=body, change_note="新内容。", intent="save")
    return client.post(f"{base}/{lang}/edit", data=fields)


def problems_of(response):
    return [html.unescape(p) for p in re.findall(r"<li>([^<]*)</li>", response.get_data(as_text=True))]


def office_file(names, extra=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, extra or "<x/>")
    return out.getvalue()


def test_an_editor_publishes_a_notice_with_an_attachment_and_an_interpretation(app):
    editor, reviewer, public = signed_in(app, EDITOR), signed_in(app, REVIEWER), app.test_client()
    assert upload(editor, "申报表.pdf", demo_pdf("Application form")).status_code == 303
    [form] = stored(app)
    assert form.original_name == "申报表.pdf" and form.content_type == "application/pdf"
    # Stored outside static/, under its random name, with nothing of the original name in the path.
    path = attachments.path_of(app.config["UPLOAD_DIR"], form)
    assert path.is_file() and path.name == form.token and "static" not in path.parts
    assert public.get(f"/zh/attachments/{form.token}").status_code == 404  # no live page names it yet
    today = datetime.now(UTC).date().isoformat()
    base = new_page(editor, "notices", "patent-navigation-call-test")
    for lang, title in (("zh", "专利导航项目申报通知（测试）"), ("en", "Call for patent navigation projects (test)")):
        response = save(editor, base, lang, {
            "title": title, "summary": title, "notice_kind": "call", "closes": "2099-03-31", "date": today,
            "issuer": "hengshui-market-regulation", "topics": "patent", "attachments": form.token,
            "updated": today, "reviewed": today,
            "sources": f"通知原文 | {CITY_PLAN} | {today} | primary",
        }, "正文。\n" if lang == "zh" else "Text.\n")
        assert response.status_code == 303, problems_of(response)
    assert act(editor, base, "submit").status_code == 303
    assert act(reviewer, base, "publish").status_code == 303
    page = public.get("/zh/notices/patent-navigation-call-test").get_data(as_text=True)
    assert "专利导航项目申报通知（测试）" in page and "2099年3月31日" in page
    assert f'href="/zh/attachments/{form.token}"' in page and "PDF" in page
    download = public.get(f"/zh/attachments/{form.token}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E8%A1%A8.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    # The home page lists the open call; the list puts open calls first.
    assert "专利导航项目申报通知（测试）" in public.get("/zh/").get_data(as_text=True)
    assert "专利导航项目申报通知（测试）" in public.get("/zh/notices?order=open&kind=call").get_data(as_text=True)
    # A file a published page names cannot be deleted.
    token = csrf_of(editor.get(UPLOADS).get_data(as_text=True))
    refused = editor.post(f"/zh/staff/attachments/{form.token}/delete", data={"csrf_token": token})
    assert refused.status_code == 409 and "notices/patent-navigation-call-test" in refused.get_data(as_text=True)
    assert path.is_file() and len(stored(app)) == 1

    # An interpretation of a policy file, linked both ways once published.
    base = new_page(editor, "interpretations", "city-plan-test")
    for lang, title in (("zh", "实施方案解读（测试）"), ("en", "The city plan explained (test)")):
        response = save(editor, base, lang, {
            "title": title, "summary": title, "policy": "hengshui-ip-plan-14th-five-year", "date": today,
            "topics": "patent", "audience": "enterprise", "updated": today, "reviewed": today,
            "sources": f"实施方案 | {CITY_PLAN} | {today} | primary",
        }, "正文。\n" if lang == "zh" else "Text.\n")
        assert response.status_code == 303, problems_of(response)
    assert act(editor, base, "submit").status_code == 303
    assert act(reviewer, base, "publish").status_code == 303
    policy = public.get("/zh/policies/hengshui-ip-plan-14th-five-year").get_data(as_text=True)
    assert 'href="/zh/interpretations/city-plan-test"' in policy
    assert 'href="/zh/policies/hengshui-ip-plan-14th-five-year"' in public.get(
        "/zh/interpretations/city-plan-test").get_data(as_text=True)


def test_the_publishing_checks_refuse_broken_links_and_missing_changing_documents(app):
    editor, reviewer = signed_in(app, EDITOR), signed_in(app, REVIEWER)
    today = datetime.now(UTC).date().isoformat()
    base = new_page(editor, "interpretations", "orphan")
    response = save(editor, base, "zh", {
        "title": "解读", "summary": "解读。", "policy": "no-such-policy", "date": today, "updated": today,
        "reviewed": today, "sources": f"原文 | https://www.gov.cn/zhengce/a.htm | {today} | primary"}, "正文。\n")
    assert response.status_code == 400
    assert any("policy 'no-such-policy' is not a policy file in the library" in p for p in problems_of(response))
    # What was typed comes back in the form.
    assert 'value="no-such-policy"' in response.get_data(as_text=True)

    base = new_page(editor, "policies", "repealed-test")
    response = save(editor, base, "zh", {
        "title": "某办法", "summary": "某办法。", "issuer": "state-council", "level": "national", "status": "repealed",
        "date": "2020-01-01", "updated": today, "reviewed": today,
        "sources": f"原文 | https://www.gov.cn/zhengce/b.htm | {today} | primary"}, "正文。\n")
    assert response.status_code == 400
    assert any("must name the document that changed it" in p for p in problems_of(response))
    response = save(editor, base, "zh", {
        "title": "某办法", "summary": "某办法。", "issuer": "state-council", "level": "national", "status": "repealed",
        "changed_by": "新办法 | https://www.gov.cn/zhengce/c.htm | 2026-06-01", "date": "2020-01-01",
        "updated": today, "reviewed": today,
        "sources": f"原文 | https://www.gov.cn/zhengce/b.htm | {today} | primary"}, "正文。\n")
    assert response.status_code == 303, problems_of(response)

    # A policy file that interpretations explain cannot be taken down before them.
    policy = "/zh/staff/content/policies/hengshui-ip-plan-14th-five-year"
    refused = act(editor, policy, "request-unpublish", **WITHDRAWN)
    assert refused.status_code == 303 and "refused=needed-by" in refused.headers["Location"]
    assert "Other published pages depend on this page" in editor.get(
        refused.headers["Location"]).get_data(as_text=True) or "依赖" in editor.get(
        refused.headers["Location"]).get_data(as_text=True)
    # One that nothing depends on can be.
    assert "refused" not in act(editor, "/zh/staff/content/policies/copyright-law-2020",
                                "request-unpublish", **WITHDRAWN).headers["Location"]
    assert reviewer.get("/zh/policies/copyright-law-2020").status_code == 200


BAD_FILES = [
    ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100, "cannot be published"),
    ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "web-page code"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20 + b"<svg onload=alert(1)>", "web-page code"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".docx"),
    ("macro.xlsx", office_file(["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"]), "macros"),
    ("notes.zip", office_file(["readme.txt"]), "cannot be published"),
    ("empty.pdf", b"", "empty"),
    ("big.pdf", b"%PDF-1.4\n" + b"0" * attachments.MAX_BYTES, "10 MB"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_uploads_are_checked_by_their_bytes(app, name, data, message):
    editor = signed_in(app, EDITOR)
    response = upload(editor, name, data, lang="en")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(app) == []
    assert not any(attachments.folder(app.config["UPLOAD_DIR"]).glob("*"))


def test_names_are_cleaned_and_types_decided_by_bytes(app):
    editor = signed_in(app, EDITOR)
    # A spreadsheet sent as ".pdf" is kept as what its bytes are; a right-to-left override is dropped.
    assert upload(editor, "名单\u202exslx.pdf", demo_xlsx([["a"]])).status_code == 303
    [table] = stored(app)
    assert table.content_type == attachments.EXCEL and table.original_name == "名单xslx.pdf.xlsx"
    word = office_file(["[Content_Types].xml", "word/document.xml"])
    assert upload(editor, "../../etc/passwd.docx", word).status_code == 303
    names = sorted(a.original_name for a in stored(app))
    assert "passwd.docx" in names
    staff = editor.get(f"/zh/staff/attachments/{table.token}")
    assert staff.status_code == 200 and staff.headers["Content-Disposition"].startswith("attachment;")
    assert staff.headers["Cache-Control"] == "no-store"
    staff.close()
    anonymous = app.test_client()
    assert anonymous.get(f"/zh/staff/attachments/{table.token}").status_code == 302
    assert anonymous.get(f"/zh/attachments/{table.token}").status_code == 404  # not on a live page
    assert anonymous.get("/zh/attachments/..%2F..%2Fportal.db").status_code == 404
    # Unused: it can be deleted, file and row.
    token = csrf_of(editor.get(UPLOADS).get_data(as_text=True))
    assert editor.post(f"/zh/staff/attachments/{table.token}/delete", data={"csrf_token": token}).status_code == 303
    assert table.token not in {a.token for a in stored(app)}
    assert not (attachments.folder(app.config["UPLOAD_DIR"]) / table.token).exists()
    assert editor.post(f"/zh/staff/attachments/{table.token}/delete", data={"csrf_token": token}).status_code == 404


def test_demo_notices_are_marked_and_refused_in_production(app, monkeypatch):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0 and "4 demo notices published" in result.output, result.output
    public = app.test_client()
    listing = public.get("/en/notices?order=open").get_data(as_text=True)
    assert listing.count("Demo, not a real notice") == 4
    # The open call comes first, then the others newest first; the closed call says so.
    order = [m for m in re.findall(r'href="/en/notices/(demo-[a-z-]+)"', listing)]
    assert order == ["demo-call-patent-navigation", "demo-training-event", "demo-result-list", "demo-call-closed"]
    assert "Closed on" in listing and listing.count("Open until") == 1
    page = public.get("/zh/notices/demo-call-patent-navigation").get_data(as_text=True)
    assert "演示通知" in page and page.count("/zh/attachments/") == 2 and "Excel" in page
    home = public.get("/zh/").get_data(as_text=True)
    assert home.index("demo-call-patent-navigation") < home.index("demo-training-event")
    again = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert "demo notices exist already" in again.output
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    with app.app_context(), pytest.raises(DemoRefused):
        seed_demo_notices()


def test_the_columns_command_lists_the_files(app):
    editor = signed_in(app, EDITOR)
    assert upload(editor, "form.pdf", demo_pdf("x")).status_code == 303
    output = app.test_cli_runner().invoke(args=["columns", "attachments"]).output
    assert "form.pdf" in output and "PDF" in output and Path(app.config["UPLOAD_DIR"]).is_dir()


def test_the_weekly_digest_carries_the_demo_notices_to_who_asked(app):
    from datetime import timedelta

    from portal.models import AlertSubscription, OutboxMessage

    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        db.session.add(AlertSubscription(email="notices@example.com", lang="en", industries=[], regions=[],
                                         notices=True, frequency="weekly", status="active", privacy_version="x",
                                         confirmed_at=datetime.now(UTC) - timedelta(days=2)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["alerts", "digest", "--frequency", "weekly"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "alert-digest"))
        assert "/en/notices/demo-call-patent-navigation" in digest.body
        assert "List-Unsubscribe" in digest.headers
