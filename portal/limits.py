"""Rate limits (Flask-Limiter). The count is per host by default (a SQLite file in the instance
folder that every gunicorn worker shares, portal/limits_sqlite.py) and per deployment with Redis
(RATELIMIT_STORAGE_URI=redis://…), so that several app servers share one count."""

import logging
from urllib.parse import urlsplit

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from portal import limits_sqlite  # noqa: F401 (registers the portal-sqlite:// storage with `limits`)
from portal.config import ConfigError

log = logging.getLogger(__name__)
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")
PER_PROCESS_SCHEMES = ("memory", "async+memory")


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Flask-Limiter keeps the first app's key prefix for good (`prefix or config`); a process that
    # builds several apps (the test suite) must count each under its own RATELIMIT_KEY_PREFIX.
    limiter._key_prefix = None
    limiter.init_app(app)


def configured(setting):
    """A limit read from the settings at request time, so tests and deployments can change it."""
    return lambda: current_app.config[setting]


def check_workers(config, workers):
    """A per-process store counts in each worker: with N workers every limit is N times looser.
    Production refuses to start so; elsewhere it is said in the log. Called by gunicorn's
    on_starting hook, which knows the number of workers actually configured."""
    uri = config.get("RATELIMIT_STORAGE_URI") or ""  # absent: not the portal (bench/bare_app.py)
    if workers <= 1 or urlsplit(uri).scheme not in PER_PROCESS_SCHEMES:
        return
    message = (f"RATELIMIT_STORAGE_URI={uri} counts in each of the {workers} workers, so every rate limit "
               f"would be {workers} times looser than configured; leave it unset (one count per host) "
               "or use redis://… (one count for every host)")
    if config["PORTAL_ENV"] == "production":
        raise ConfigError(message)
    log.warning(message)
