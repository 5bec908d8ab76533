"""Rate limits shared through Redis (127.0.0.1:6379): two app instances count together."""

import uuid

import pytest

from portal import create_app
from portal.config import ROOT
from tests.support.net import answers


@pytest.mark.skipif(not answers(6379), reason="Redis is not running on 127.0.0.1:6379")
def test_two_instances_share_one_count(tmp_path):
    prefix = f"portal-test-{uuid.uuid4().hex}"  # this run's own keys
    apps = []
    for name in ("a", "b"):
        app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path / name,
                          "SEARCH_INDEX_DIR": tmp_path / "si", "TRACK_RATE_LIMIT": "4 per minute",
                          "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix,
                          "WTF_CSRF_ENABLED": False})
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        apps.append(app.test_client())
    # The limiter is one object for every app in this process and keeps the key prefix of the
    # first app it served, so the prefix above does not separate this run's keys from another
    # run's on the same Redis: an address of this run's own does (the limit is per address).
    address = "127.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    codes = [apps[n % 2].post("/zh/requests/track", data={"number": "HS2026-1", "digits": "1"},
                              environ_base={"REMOTE_ADDR": address}).status_code
             for n in range(6)]
    assert codes == [404, 404, 404, 404, 429, 429]
