"""Security settings seen from outside: headers, cookies, trusted hosts, methods, e-mail links."""

import re

import pytest
from sqlalchemy import select

from portal import create_app
from portal.config import ROOT
from portal.db import db
from portal.models import AssistanceRequest, OutboxMessage
from tests.conftest import open_form, post_multipart, send_checked, valid_fields

PAGES = ["/zh/", "/en/guides/trademark-registration", "/zh/search?q=商标", "/en/requests/new?type=general",
         "/zh/requests/track", "/en/no-such-page"]


@pytest.fixture(scope="module")
def https_app(tmp_path_factory):
    """Production settings behind one TLS-terminating proxy."""
    instance = tmp_path_factory.mktemp("https")
    return create_app({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40, "INSTANCE_DIR": instance,
                       "CONTENT_DIR": ROOT / "content", "SEARCH_INDEX_DIR": instance / "si",
                       "SITE_URL": "https://ip.hengshui.example", "PREFERRED_URL_SCHEME": "https",
                       "PROXY_HOPS": 1})


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http in tests: HSTS would be a lie


def test_cached_pages_keep_the_headers(client):
    client.get("/en/about")
    again = client.get("/en/about")
    assert "frame-ancestors 'none'" in again.headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/zh/requests/new?type=general")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back


def test_https_deployment_sends_hsts_and_secure_cookies(https_app):
    client = https_app.test_client()
    https = {"Host": "ip.hengshui.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.get("/zh/requests/new?type=general", headers=https)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in client.get("/en/about", headers=https).headers


def test_production_answers_only_to_its_own_host(https_app):
    client = https_app.test_client()
    assert https_app.config["TRUSTED_HOSTS"] == ["ip.hengshui.example"]
    forged = client.get("/zh/search?q=x", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert "evil.example" not in forged.get_data(as_text=True)
    assert client.get("/zh/requests/track", headers={"Host": "ip.hengshui.example"}).status_code == 200


def test_trusted_hosts_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "portal.example, .hengshui.example")
    app = create_app({"INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"})
    assert app.config["TRUSTED_HOSTS"] == ["portal.example", ".hengshui.example"]
    client = app.test_client()
    assert client.get("/zh/requests/track", headers={"Host": "www.hengshui.example"}).status_code == 200
    assert client.get("/zh/requests/track", headers={"Host": "hengshui.example.evil"}).status_code == 400


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "PROPFIND", "CONNECT", "FOO"])
@pytest.mark.parametrize("path", ["/zh/", "/en/requests/new?type=general", "/zh/search?q=x", "/healthz"])
def test_odd_methods_are_refused_with_a_page(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert "TRACE" not in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_email_links_ignore_a_forged_host(app):
    """The acknowledgement's link is built from SITE_URL, whatever trusted Host the request carried
    (a forged one is refused before any view: test_input_round_two)."""
    forged = app.test_client()
    tokens = open_form(forged, "en", "general")
    data = {**tokens, **valid_fields("general", email="forged-host@example.com")}
    forged.environ_base["HTTP_HOST"] = "127.0.0.1:8000"
    checked = post_multipart(forged, "/en/requests/new?type=general", data)
    assert checked.status_code == 200
    response = send_checked(forged, "en", "general", checked)
    assert response.status_code == 303
    with app.app_context():
        request = db.session.scalar(select(AssistanceRequest).where(AssistanceRequest.form_token
                                                                    == tokens["form_token"]))
        bodies = [m.body for m in db.session.scalars(select(OutboxMessage)
                                                     .where(OutboxMessage.request_id == request.id))]
    assert len(bodies) == 2
    for body in bodies:
        assert "127.0.0.1" not in body
        assert all(url.startswith("https://portal.example/") for url in re.findall(r"https?://\S+", body))
