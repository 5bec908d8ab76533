"""Settings (portal/config.py): derived paths follow the overrides, bad numbers are refused by name,
and the README lists every variable."""

import re
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ROOT, ConfigError

# (environment, mapping) -> (UPLOAD_DIR, RATELIMIT_STORAGE_URI); {tmp} is the test's folder.
DERIVED = [
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env"}, {},
     ("{tmp}/env/uploads", "portal-sqlite://{tmp}/env/ratelimits.sqlite")),
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env"}, {"INSTANCE_DIR": "{tmp}/mapping"},
     ("{tmp}/mapping/uploads", "portal-sqlite://{tmp}/mapping/ratelimits.sqlite")),
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env", "PORTAL_UPLOAD_DIR": "{tmp}/shared"}, {"INSTANCE_DIR": "{tmp}/mapping"},
     ("{tmp}/shared", "portal-sqlite://{tmp}/mapping/ratelimits.sqlite")),
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env"}, {"INSTANCE_DIR": "{tmp}/mapping", "UPLOAD_DIR": "{tmp}/given"},
     ("{tmp}/given", "portal-sqlite://{tmp}/mapping/ratelimits.sqlite")),
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
     {"INSTANCE_DIR": "{tmp}/mapping"}, ("{tmp}/mapping/uploads", "redis://127.0.0.1:6379/0")),
    ({"PORTAL_INSTANCE_DIR": "{tmp}/env"}, {"INSTANCE_DIR": "{tmp}/mapping", "RATELIMIT_STORAGE_URI": "memory://"},
     ("{tmp}/mapping/uploads", "memory://")),
]


@pytest.mark.parametrize(("env", "mapping", "expected"), DERIVED, ids=[
    "environment-instance", "mapping-moves-instance", "explicit-upload-env", "explicit-upload-mapping",
    "explicit-redis-env", "explicit-memory-mapping"])
def test_derived_settings_follow_the_overrides(monkeypatch, tmp_path, env, mapping, expected):
    for name in ("PORTAL_UPLOAD_DIR", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    mapping = {key: value.format(tmp=tmp_path) for key, value in mapping.items()}
    config = create_app({"SEARCH_INDEX_DIR": tmp_path / "si", **mapping}).config
    upload_dir, storage_uri = (value.format(tmp=tmp_path) for value in expected)
    assert config["UPLOAD_DIR"] == Path(upload_dir)
    assert config["RATELIMIT_STORAGE_URI"] == storage_uri
    assert isinstance(config["INSTANCE_DIR"], Path) and config["INSTANCE_DIR"].is_dir()


# variable, value -> the ConfigError's message (None: accepted, with the value it becomes)
NUMBERS = [
    ("PORTAL_MAX_UPLOAD_BYTES", "abc", "PORTAL_MAX_UPLOAD_BYTES must be a whole number, not 'abc'"),
    ("PORTAL_MAX_UPLOAD_BYTES", "0", "PORTAL_MAX_UPLOAD_BYTES must be a whole number of at least 1, not '0'"),
    ("MAIL_PORT", "-1", "MAIL_PORT must be a whole number from 1 to 65535, not '-1'"),
    ("MAIL_PORT", "70000", "MAIL_PORT must be a whole number from 1 to 65535, not '70000'"),
    ("MAIL_PORT", "25x", "MAIL_PORT must be a whole number, not '25x'"),
    ("PORTAL_ROUTING_CACHE_SECONDS", "soon", "PORTAL_ROUTING_CACHE_SECONDS must be a number, not 'soon'"),
    ("PORTAL_ROUTING_CACHE_SECONDS", "-1",
     "PORTAL_ROUTING_CACHE_SECONDS must be a number of at least 0, not '-1'"),
    ("PORTAL_SLA_CHECK_MINUTES", "nan", "PORTAL_SLA_CHECK_MINUTES must be a number of at least 0.01, not 'nan'"),
    ("PORTAL_SLA_CHECK_MINUTES", "inf", "PORTAL_SLA_CHECK_MINUTES must be a number of at least 0.01, not 'inf'"),
    ("PORTAL_STAFF_IDLE_MINUTES", "0", "PORTAL_STAFF_IDLE_MINUTES must be a whole number of at least 1, not '0'"),
    ("PORTAL_RETENTION_DAYS", "3.5", "PORTAL_RETENTION_DAYS must be a whole number, not '3.5'"),
    ("PORTAL_PROXY_HOPS", "-1", "PORTAL_PROXY_HOPS must be a whole number of at least 0, not '-1'"),
    ("PORTAL_MAX_FORM_PARTS", "²", "PORTAL_MAX_FORM_PARTS must be a whole number, not '²'"),
    ("PORTAL_MAX_FORM_MEMORY_BYTES", "1e6", "PORTAL_MAX_FORM_MEMORY_BYTES must be a whole number, not '1e6'"),
]
ACCEPTED = [
    ("MAIL_PORT", "587", "MAIL_PORT", 587),
    ("PORTAL_ROUTING_CACHE_SECONDS", "0", "ROUTING_CACHE_SECONDS", 0.0),
    ("PORTAL_SLA_CHECK_MINUTES", "0.5", "SLA_CHECK_MINUTES", 0.5),
    ("PORTAL_PROXY_HOPS", " 1 ", "PROXY_HOPS", 1),
    ("PORTAL_MAX_UPLOAD_BYTES", "", "MAX_CONTENT_LENGTH", 55 * 1024 * 1024),  # empty: the default
]


@pytest.mark.parametrize(("name", "value", "message"), NUMBERS)
def test_a_bad_number_in_the_environment_is_refused_by_name(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        create_app({"TESTING": True})
    assert str(refused.value) == message


@pytest.mark.parametrize(("name", "value", "setting", "expected"), ACCEPTED)
def test_good_numbers_are_read(monkeypatch, tmp_path, name, value, setting, expected):
    monkeypatch.setenv(name, value)
    config = create_app({"INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"}).config
    assert config[setting] == expected and type(config[setting]) is type(expected)


def test_the_readme_lists_every_variable():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    sources = (ROOT / "portal" / "config.py").read_text() + (ROOT / "gunicorn.conf.py").read_text()
    names = set(re.findall(r'(?:_env|_number|_path|environ\.get)\("([A-Z][A-Z0-9_]+)"', sources))
    assert len(names) > 30
    assert sorted(name for name in names if f"`{name}`" not in table) == []
