"""The factory, configuration, CLI wiring and the gunicorn settings."""

import importlib.util

import pytest

from portal import create_app
from portal.config import ROOT, ConfigError


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app()


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PORTAL_SITE_URL", "https://ip.example")
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["PORTAL_ENV"] == "production"
    assert (tmp_path / "inst").is_dir()


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        create_app({"PORTAL_ENV": "staging"})


def test_environment_then_mapping_precedence(monkeypatch):
    monkeypatch.setenv("PORTAL_SITE_URL", "https://from-env.example/")
    assert create_app().config["SITE_URL"] == "https://from-env.example"
    assert create_app({"SITE_URL": "https://mapping.example"}).config["SITE_URL"] == "https://mapping.example"


def test_blueprints_are_registered_explicitly(app):
    assert set(app.blueprints) >= {"site", "pages", "requests"}
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    expected = {"/", "/healthz", "/sitemap.xml", "/robots.txt", "/<language:lang>/", "/<language:lang>/guides/<slug>"}
    assert expected <= rules


def test_cli_commands_are_registered(runner):
    result = runner.invoke(args=["--help"])
    assert "content" in result.output and "translations" in result.output


def load_gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_preloads_and_keeps_query_strings_out_of_the_log():
    conf = load_gunicorn_config()
    assert conf.preload_app is True
    assert conf.workers >= 1 and conf.timeout > 0
    assert "%(U)s" in conf.access_log_format
    for leaks in ("%(r)s", "%(q)s", "%(h)s", "%(f)s"):
        assert leaks not in conf.access_log_format


def test_gunicorn_port_from_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    assert load_gunicorn_config().bind == "127.0.0.1:8123"
