"""PortalFlask.url_for remembers addresses: the same URL Flask builds, per language, script root
and host, and never more than URL_CACHE_SIZE of them."""

from flask import Flask, url_for

from portal import assets


def flask_url(app, endpoint, **values):
    return Flask.url_for(app, endpoint, **values)


def test_the_same_address_as_flask_per_language_and_root(app):
    cases = [("pages.home", {}), ("static", {"filename": "css/portal.css"}),
             ("requests.new", {"type": "general"}), ("sitehealth.report", {"page": "/zh/a b?c"}),
             ("pages.home", {"lang": "en"})]
    for path, root in (("/zh/", ""), ("/en/", ""), ("/zh/", "/portal")):
        for _ in range(2):  # built, then remembered
            with app.test_request_context(path, environ_overrides={"SCRIPT_NAME": root}):
                for endpoint, values in cases:
                    assert url_for(endpoint, **values) == flask_url(app, endpoint, **values)
    with app.test_request_context("/en/"):
        assert url_for("pages.home") == "/en/"
        assert url_for("pages.home", _anchor="top") == "/en/#top"
        assert url_for("pages.home", _external=True).startswith("http")
    with app.test_request_context("/zh/", environ_overrides={"SCRIPT_NAME": "/portal"}):
        assert url_for("pages.home") == "/portal/zh/"


def test_the_memory_is_bounded(app, monkeypatch):
    monkeypatch.setattr(assets, "URL_CACHE_SIZE", 3)
    with app.test_request_context("/zh/"):
        for number in range(10):
            assert url_for("sitehealth.report", page=f"/zh/{number}") == flask_url(
                app, "sitehealth.report", page=f"/zh/{number}")
        assert len(app._urls) <= 3
