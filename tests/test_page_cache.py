"""The page cache in front of Flask: same answers as Flask, without Flask."""

import pytest

from portal import create_app
from portal.config import ROOT


@pytest.fixture()
def fresh_client(tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path})
    return app, app.test_client()


def test_second_request_is_served_from_the_cache_identically(fresh_client):
    app, client = fresh_client
    first = client.get("/zh/guides/rights-protection")
    assert ("http", "/zh/guides/rights-protection", False) in app.extensions["page_cache"]
    second = client.get("/zh/guides/rights-protection")
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Length"] == str(len(first.data))
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"):
        assert second.headers[name] == first.headers[name]


def test_conditional_and_head_requests_from_the_cache(fresh_client):
    _app, client = fresh_client
    etag = client.get("/en/about").headers["ETag"]
    assert client.get("/en/about", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/en/about", headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head("/en/about")
    assert head.status_code == 200 and head.data == b""


def test_only_pages_a_view_accepted_are_stored(fresh_client):
    app, client = fresh_client
    client.get("/zh/guides/no-such-guide")
    client.get("/zh/guides/?topic=patent")
    client.get("/nope")
    assert set(app.extensions["page_cache"]) == set()


def test_other_methods_still_reach_flask(fresh_client):
    _app, client = fresh_client
    client.get("/zh/")
    assert client.post("/zh/").status_code == 405


def production_app(tmp_path, **extra):
    return create_app({"PORTAL_ENV": "production", "SECRET_KEY": "k" * 40, "CONTENT_DIR": ROOT / "content",
                       "INSTANCE_DIR": tmp_path, "SITE_URL": "https://portal.example", **extra})


def test_a_forged_host_is_refused_before_and_after_the_page_is_cached(tmp_path):
    # Bug: the cache answered before Flask's trusted-host check, so a forged Host got 400 until
    # the page was cached and 200 after it.
    client = production_app(tmp_path).test_client()
    forged = {"Host": "evil.example"}
    assert client.get("/zh/guides/rights-protection", headers=forged).status_code == 400
    assert client.get("/zh/guides/rights-protection", base_url="https://portal.example").status_code == 200
    assert client.get("/zh/guides/rights-protection", headers=forged).status_code == 400
    assert client.head("/zh/guides/rights-protection", headers=forged).status_code == 400


def test_cached_pages_carry_every_header_flask_sent_including_hsts_behind_tls(tmp_path):
    # Bug: cached copies missed headers Flask adds per request (HSTS when TLS ends at a proxy).
    app = production_app(tmp_path, PROXY_HOPS=1)
    client = app.test_client()
    behind_tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    first = client.get("/en/guides/rights-protection", base_url="http://portal.example", headers=behind_tls)
    assert "Strict-Transport-Security" in first.headers
    assert ("https", "/en/guides/rights-protection", False) in app.extensions["page_cache"]
    second = client.get("/en/guides/rights-protection", base_url="http://portal.example", headers=behind_tls)
    assert second.data == first.data
    # Vary: Cookie comes from the session machinery of the first, rendered response (added after
    # every hook); the cached page depends on no cookie, so its copies rightly do without it.
    skip = {"Date", "Content-Length", "Vary"}
    assert {k: v for k, v in second.headers.items() if k not in skip} == \
        {k: v for k, v in first.headers.items() if k not in skip}
    # The same address over plain HTTP is rendered (and kept) apart: no HSTS on a plain response.
    plain = client.get("/en/guides/rights-protection", base_url="http://portal.example")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
