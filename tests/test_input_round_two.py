"""Findings 6 and 9: one-line fields, attachment names and polyglots, integers in URLs, hosts in
development, and which forwarded headers gunicorn believes."""

import io

import pytest
from sqlalchemy import select

from portal import create_app
from portal.config import ROOT, ConfigError
from portal.db import db
from portal.models import AssistanceRequest, Attachment
from portal.requests.uploads import attachment_name
from tests.conftest import submit
from tests.staff_helpers import ADMIN, COORDINATOR, login
from tests.test_factory import load_gunicorn_config

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("field", ["contact_name", "organisation"])
@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\u2028", "\u2029"])
def test_a_line_break_in_a_one_line_field_is_refused_and_the_form_kept(client, field, brk):
    response = submit(client, "zh", "general", **{field: f"张三{brk}Bcc: x@example.com"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请写在一行内" in html
    assert "我们的产品在网上被仿冒销售" in html  # what was typed elsewhere is still there


def test_an_e_mail_list_is_not_one_address(client):
    response = submit(client, "en", "general", email="postmaster,me@example.com")
    assert response.status_code == 400 and "does not look like an e-mail address" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "data"), [
    ("report.png", PNG + b"<html><script>alert(1)</script></html>"),
    ("scan.pdf", PDF + b"<!DOCTYPE html><body onload=x>"),
    ("scan.pdf", b"%PDF-1.4\n<svg/onload=alert(1)>"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"<IFRAME src=//x>"),
])
def test_a_picture_or_pdf_that_is_also_a_web_page_is_refused(app, client, name, data):
    response = submit(client, "en", "general", files=[(io.BytesIO(data), name)])
    assert response.status_code == 400
    assert "contains a web page" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "kind", "kept"), [
    ("report.html", "image/png", "report.png"),
    ("营业执照.pdf", "application/pdf", "营业执照.pdf"),
    ("scan.JPEG", "image/jpeg", "scan.JPEG"),
    ("invoice\u202egnp.exe", "image/png", "invoicegnp.png"),
    ("a\u200bb\u2066.pdf", "application/pdf", "ab.pdf"),
    ("noextension", "application/pdf", "noextension.pdf"),
    (".pdf", "application/pdf", "attachment.pdf"),
    ("x.tar.gz", "image/png", "x.tar.png"),
])
def test_attachment_names(name, kind, kept):
    assert attachment_name(name, kind) == kept


def test_an_attachment_keeps_the_extension_of_its_checked_type(app, client):
    response = submit(client, "zh", "general", files=[(io.BytesIO(PNG), "report\u202elmth.png.html")])
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.status_token == token))
        assert [a.original_name for a in request.attachments] == ["reportlmth.png.png"]


def test_migration_0014_cleans_the_names_of_attachments_kept_before(tmp_path):
    """Names kept before attachment_name existed (a bidi override, the wrong extension) are
    rewritten by `flask db upgrade`; a name that was already right, and the stored files, stay."""
    app = dev_app(tmp_path, TESTING=True, SUBMIT_RATE_LIMIT="100 per hour")
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    client = app.test_client()
    files = [(io.BytesIO(PNG), "photo.png"), (io.BytesIO(PDF), "合同.pdf"), (io.BytesIO(PNG), "x.png")]
    assert submit(client, "zh", "general", files=files).status_code == 303
    legacy = ["report\u202elmth.png", "合同.pdf", "evidence.png.html"]  # as stored before the change
    with app.app_context():
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        stored = [row.stored_name for row in rows]
        for row, name in zip(rows, legacy, strict=True):
            row.original_name = name
        db.session.commit()
    assert runner.invoke(args=["db", "downgrade", "0012"]).exit_code == 0  # the revision before 0014
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [row.original_name for row in rows] == ["reportlmth.png", "合同.pdf", "evidence.png.png"]
        assert [row.stored_name for row in rows] == stored
        db.engine.dispose()
    assert all((tmp_path / "uploads" / name).exists() for name in stored)


@pytest.mark.parametrize("path", [
    "/en/staff/requests/99999999999999999999", "/en/staff/requests/2147483648",
    "/en/staff/requests/1/attachments/18446744073709551616", "/en/staff/requests/0",
])
def test_out_of_range_integers_in_addresses_are_404(app, path):
    staff = app.test_client()
    login(staff, COORDINATOR)
    assert staff.get(path).status_code == 404
    assert staff.post(path, data={}).status_code in (404, 405)


@pytest.mark.parametrize("path", ["/en/admin/users/99999999999999999999", "/en/admin/institutions/2147483648",
                                  "/en/admin/rules/99999999999999999999"])
def test_out_of_range_integers_in_admin_addresses_are_404(app, path):
    admin = app.test_client()
    login(admin, ADMIN)
    assert admin.get(path).status_code == 404


def dev_app(tmp_path, **extra):
    return create_app({"PORTAL_ENV": "development", "INSTANCE_DIR": tmp_path, "CONTENT_DIR": ROOT / "content",
                       "SEARCH_INDEX_DIR": tmp_path / "si", **extra})


def test_in_development_only_the_sites_host_and_localhost_are_trusted(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_TRUSTED_HOSTS", raising=False)
    app = dev_app(tmp_path, SITE_URL="http://portal.lan:8000")
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    for host in ("localhost:8000", "127.0.0.1:8000", "portal.lan:8000"):
        response = client.get("/", headers={"Host": host})
        assert response.status_code in (301, 302, 303, 307, 308)
        assert "evil" not in response.headers["Location"]


def test_the_test_suites_app_trusts_only_its_sites_host_and_localhost(app):
    """Under PORTAL_ENV=testing too (the suite's app, and every gunicorn the tests start): a forged
    Host is refused, on the page cache's path as on the app's."""
    assert app.config["TRUSTED_HOSTS"] == ["portal.example", "localhost", "127.0.0.1"]
    client = app.test_client()
    for path in ("/", "/en/about", "/zh/requests/track"):
        client.get(path)  # the page cache holds it, where it may
        forged = client.get(path, headers={"Host": "evil.example"})
        assert forged.status_code == 400
        assert "evil.example" not in forged.get_data(as_text=True) + forged.headers.get("Location", "")
    for host in ("localhost", "127.0.0.1:8000", "portal.example"):
        assert client.get("/en/about", headers={"Host": host}).status_code == 200


def test_production_refuses_the_default_site_url(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_SITE_URL"):
        dev_app(tmp_path, PORTAL_ENV="production", SECRET_KEY="k" * 40, SITE_URL="http://127.0.0.1:8000")


def test_gunicorn_believes_forwarded_headers_only_behind_a_proxy(monkeypatch):
    monkeypatch.delenv("PORTAL_PROXY_HOPS", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert load_gunicorn_config().forwarded_allow_ips == ""
    monkeypatch.setenv("PORTAL_PROXY_HOPS", "0")
    assert load_gunicorn_config().forwarded_allow_ips == ""
    monkeypatch.setenv("PORTAL_PROXY_HOPS", "1")
    assert load_gunicorn_config().forwarded_allow_ips == "127.0.0.1,::1"
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    assert load_gunicorn_config().forwarded_allow_ips == "10.0.0.5"
