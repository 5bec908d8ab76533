"""Every setting the portal reads, from the environment, with embedded defaults.

The defaults make `make run` work on a bare machine (files under instance/, SQLite, mail
written to files). Production mode (PORTAL_ENV=production) refuses to start with the
development secret, because a guessable key lets anyone forge sessions and CSRF tokens.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 (the known value production refuses)


class ConfigError(RuntimeError):
    """A setting that makes the portal unsafe or unable to run."""


def _env(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def from_environment():
    """Settings from the environment; each is listed in the README with its default."""
    instance = Path(_env("PORTAL_INSTANCE_DIR", ROOT / "instance"))
    return {
        "PORTAL_ENV": _env("PORTAL_ENV", "development"),
        "SECRET_KEY": _env("SECRET_KEY", DEV_SECRET),
        "INSTANCE_DIR": instance,
        "CONTENT_DIR": Path(_env("PORTAL_CONTENT_DIR", ROOT / "content")),
        "SEARCH_INDEX_DIR": Path(_env("PORTAL_SEARCH_INDEX_DIR", ROOT / "search_index")),
        "PREFERRED_URL_SCHEME": _env("PORTAL_URL_SCHEME", "http"),
        "SITE_URL": _env("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
        "MAX_CONTENT_LENGTH": int(_env("PORTAL_MAX_UPLOAD_BYTES", 55 * 1024 * 1024)),
        "UPLOAD_DIR": Path(_env("PORTAL_UPLOAD_DIR", instance / "uploads")),
        "DATABASE_URL": _env("DATABASE_URL", ""),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "ROUTING_CACHE_SECONDS": float(_env("PORTAL_ROUTING_CACHE_SECONDS", 5)),
        "SUBMIT_RATE_LIMIT": _env("PORTAL_SUBMIT_RATE_LIMIT", "20 per hour"),
        "TRACK_RATE_LIMIT": _env("PORTAL_TRACK_RATE_LIMIT", "10 per minute; 60 per hour"),
        "MAIL_SERVER": _env("MAIL_SERVER", ""),
        "MAIL_PORT": int(_env("MAIL_PORT", 25)),
        "MAIL_USERNAME": _env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env("MAIL_USE_TLS", "") in ("1", "true", "yes"),
        "MAIL_FROM": _env("MAIL_FROM", "衡水知识产权公共服务门户 <noreply@portal.invalid>"),
        "LOG_LEVEL": _env("PORTAL_LOG_LEVEL", "INFO"),
        "STAFF_IDLE_MINUTES": int(_env("PORTAL_STAFF_IDLE_MINUTES", 30)),
        "LOGIN_RATE_LIMIT": _env("PORTAL_LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "RESET_RATE_LIMIT": _env("PORTAL_RESET_RATE_LIMIT", "5 per minute; 20 per hour"),
        "SLA_WORKING_DAYS": _env("PORTAL_SLA_WORKING_DAYS", "2"),
        "SLA_CHECK_MINUTES": float(_env("PORTAL_SLA_CHECK_MINUTES", 10)),
        # How often each host's worker loop reads the content generation from the database; a
        # change published on another host is served here within this (plus one request).
        "CONTENT_POLL_SECONDS": float(_env("PORTAL_CONTENT_POLL_SECONDS", 10)),
        # Review steps before a page goes live, per kind: "default=1,alert=2" (at most 3, 三审).
        "REVIEW_STEPS": _env("PORTAL_REVIEW_STEPS", "default=1"),
        # A scheduled change published this many minutes late is reported to the editors.
        "PUBLISH_LATE_MINUTES": float(_env("PORTAL_PUBLISH_LATE_MINUTES", 5)),
        "RETENTION_DAYS": int(_env("PORTAL_RETENTION_DAYS", 3 * 365)),
        # Host names the portal answers to (comma-separated); empty: any in development, the
        # SITE_URL's host in production. A forged Host header is refused with 400.
        "TRUSTED_HOSTS": _host_list(_env("PORTAL_TRUSTED_HOSTS", "")),
        # Reverse proxies / load balancers in front whose X-Forwarded-For/-Proto are believed: the
        # client address the rate limits count, and whether the request came over HTTPS.
        "PROXY_HOPS": int(_env("PORTAL_PROXY_HOPS", 0)),
        # Form parsing bounds (Werkzeug): a body of thousands of parts or a huge text field is
        # refused with 413 before any view runs. The request form has about 25 parts.
        "MAX_FORM_PARTS": int(_env("PORTAL_MAX_FORM_PARTS", 200)),
        "MAX_FORM_MEMORY_SIZE": int(_env("PORTAL_MAX_FORM_MEMORY_BYTES", 200 * 1024)),
        # Separates this deployment's rate-limit counters in a shared Redis.
        "RATELIMIT_KEY_PREFIX": _env("PORTAL_RATELIMIT_KEY_PREFIX", "portal"),
    }


def _host_list(text):
    hosts = [host.strip() for host in text.split(",") if host.strip()]
    return hosts or None


def validate(config):
    """Refuse settings that are unsafe in production."""
    if config["PORTAL_ENV"] not in ("development", "production", "testing"):
        raise ConfigError(f"PORTAL_ENV must be development, production or testing, not {config['PORTAL_ENV']!r}")
    if config["PORTAL_ENV"] == "production":
        key = config["SECRET_KEY"]
        if key == DEV_SECRET or len(key) < 32:
            raise ConfigError("PORTAL_ENV=production needs SECRET_KEY set to a random value of 32 or more characters")
        if not config.get("TRUSTED_HOSTS"):
            # Never "any host" in production: the site's own name is the least that is true.
            config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname]
