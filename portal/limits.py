"""Rate limits (Flask-Limiter): in memory by default, Redis via RATELIMIT_STORAGE_URI so that
several app servers share one count."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
