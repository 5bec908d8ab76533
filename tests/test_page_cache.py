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
    assert "/zh/guides/rights-protection" in app.extensions["page_cache"]
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
