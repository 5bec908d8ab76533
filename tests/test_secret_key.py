"""Finding 1: no published key ever signs anything (portal/secret_key.py)."""

import stat
import subprocess
import sys
import time

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from portal import create_app
from portal.config import DEV_SECRET, ROOT, ConfigError
from portal.db import db
from portal.models import User
from portal.secret_key import FILE_NAME, instance_key
from tests.staff_helpers import ADMIN


def dev_app(instance, **extra):
    return create_app({"PORTAL_ENV": "development", "INSTANCE_DIR": instance, "CONTENT_DIR": ROOT / "content",
                       "SEARCH_INDEX_DIR": instance / "si", **extra})


def forged_cookie(secret, session):
    signer = Flask("forger")
    signer.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(session)


def test_a_cookie_signed_with_the_published_constant_opens_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = dev_app(tmp_path)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed", "demo"]):
        assert runner.invoke(args=command).exit_code == 0
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        session = {"_user_id": f"{admin.id}:{admin.session_version}", "_fresh": True, "seen": int(time.time())}
    client = app.test_client()
    client.set_cookie("session", forged_cookie(DEV_SECRET, session))
    assert client.get("/en/admin/users").status_code == 302  # to the sign-in page
    # The same session signed with the instance's own key does open it: the forgery is what failed.
    client.set_cookie("session", forged_cookie(app.config["SECRET_KEY"], session))
    assert client.get("/en/admin/users").status_code == 200


def test_without_secret_key_a_random_key_is_kept_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = dev_app(tmp_path).config["SECRET_KEY"]
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 64 and first != DEV_SECRET
    assert dev_app(tmp_path).config["SECRET_KEY"] == first  # kept: sessions survive a restart
    assert dev_app(tmp_path / "other").config["SECRET_KEY"] != first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


@pytest.mark.parametrize("mode", ["development", "production"])
def test_the_published_constant_is_refused_outside_the_test_suite(tmp_path, mode):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        dev_app(tmp_path, PORTAL_ENV=mode, SECRET_KEY=DEV_SECRET, SITE_URL="https://ip.example")


def test_the_test_suite_may_still_use_the_constant(tmp_path):
    assert dev_app(tmp_path, PORTAL_ENV="testing", SECRET_KEY=DEV_SECRET).config["SECRET_KEY"] == DEV_SECRET


def test_production_never_makes_its_own_key(tmp_path, monkeypatch):
    # Several hosts must share one key: each inventing its own would sign out every other host's users.
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        dev_app(tmp_path, PORTAL_ENV="production", SITE_URL="https://ip.example")
    assert not (tmp_path / FILE_NAME).exists()


def test_a_key_file_others_can_read_is_refused(tmp_path):
    instance_key(tmp_path)
    (tmp_path / FILE_NAME).chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        instance_key(tmp_path)


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    script = ("import sys, time; from pathlib import Path; from portal.secret_key import instance_key; "
              "time.sleep(max(0, float(sys.argv[2]) - time.time())); print(instance_key(Path(sys.argv[1])))")
    start = f"{time.time() + 1.5:.3f}"
    processes = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), start], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True) for _ in range(8)]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert len(keys) == 1 and len(next(iter(keys))) == 64
