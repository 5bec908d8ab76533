"""Rate limits (Flask-Limiter): in memory by default, Redis via RATELIMIT_STORAGE_URI so that
several app servers share one count."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)


def configured(setting):
    """A limit read from the settings at request time, so tests and deployments can change it."""
    return lambda: current_app.config[setting]
