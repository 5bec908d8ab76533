"""Every setting the portal reads, from the environment, with embedded defaults.

The defaults make `make run` work on a bare machine (files under instance/, SQLite, mail
written to files). Production mode (PORTAL_ENV=production) refuses to start with the
development secret, because a guessable key lets anyone forge sessions and CSRF tokens.
"""

import math
import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 (the known value refused outside the test suite)

DEFAULT_SITE_URL = "http://127.0.0.1:8000"  # `make run`'s own address; nothing listens there in production


class ConfigError(RuntimeError):
    """A setting that makes the portal unsafe or unable to run."""


def _env(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _number(name, default, kind=int, minimum=None, maximum=None):
    """A number from the environment, refused with the variable's name when it is not one (or out
    of range): a typo must stop the start-up with a sentence, not a ValueError traceback."""
    text = _env(name, None)
    if text is None:
        return default
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {text!r}") from None
    if not math.isfinite(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ConfigError(f"{name} must be {what} {bounds}, not {text!r}")
    return value


def _path(name):
    text = _env(name, None)
    return None if text is None else Path(text)


def from_environment():
    """Settings from the environment; each is listed in the README with its default."""
    instance = Path(_env("PORTAL_INSTANCE_DIR", ROOT / "instance"))
    return {
        "PORTAL_ENV": _env("PORTAL_ENV", "development"),
        # Empty: a random key kept in the instance folder (portal/secret_key.py); production needs it set.
        "SECRET_KEY": _env("SECRET_KEY", ""),
        "INSTANCE_DIR": instance,
        "CONTENT_DIR": Path(_env("PORTAL_CONTENT_DIR", ROOT / "content")),
        # `flask content check` warns about a page whose facts were last reviewed longer ago.
        "CONTENT_REVIEW_MAX_MONTHS": int(_env("PORTAL_CONTENT_REVIEW_MAX_MONTHS", 6)),
        "SEARCH_INDEX_DIR": Path(_env("PORTAL_SEARCH_INDEX_DIR", ROOT / "search_index")),
        "PREFERRED_URL_SCHEME": _env("PORTAL_URL_SCHEME", "http"),
        "SITE_URL": _env("PORTAL_SITE_URL", DEFAULT_SITE_URL).rstrip("/"),
        "MAX_CONTENT_LENGTH": _number("PORTAL_MAX_UPLOAD_BYTES", 55 * 1024 * 1024, minimum=1),
        "UPLOAD_DIR": _path("PORTAL_UPLOAD_DIR"),  # derived: INSTANCE_DIR/uploads
        "DATABASE_URL": _env("DATABASE_URL", ""),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", None),  # derived: a file in INSTANCE_DIR
        "ROUTING_CACHE_SECONDS": _number("PORTAL_ROUTING_CACHE_SECONDS", 5.0, float, minimum=0),
        "SUBMIT_RATE_LIMIT": _env("PORTAL_SUBMIT_RATE_LIMIT", "20 per hour"),
        # Per address, and loose: many people share one (CGNAT); each number has its own lockout.
        "TRACK_RATE_LIMIT": _env("PORTAL_TRACK_RATE_LIMIT", "30 per minute; 300 per hour"),
        "MAIL_SERVER": _env("MAIL_SERVER", ""),
        "MAIL_PORT": _number("MAIL_PORT", 25, minimum=1, maximum=65535),
        "MAIL_USERNAME": _env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env("MAIL_USE_TLS", "") in ("1", "true", "yes"),
        "MAIL_FROM": _env("MAIL_FROM", "衡水知识产权公共服务门户 <noreply@portal.invalid>"),
        # SMS (portal/notify/sms.py): file (instance/sms/), aliyun or tencent.
        "SMS_PROVIDER": _env("SMS_PROVIDER", "file"),
        "SMS_SIGN_NAME": _env("SMS_SIGN_NAME", "衡水知识产权公共服务"),
        "SMS_ACCESS_KEY_ID": _env("SMS_ACCESS_KEY_ID", ""),
        "SMS_ACCESS_KEY_SECRET": _env("SMS_ACCESS_KEY_SECRET", ""),
        "SMS_TEMPLATE_CODES": _env("SMS_TEMPLATE_CODES", ""),
        "SMS_ENDPOINT": _env("SMS_ENDPOINT", ""),
        "SMS_TENCENT_APP_ID": _env("SMS_TENCENT_APP_ID", ""),
        "SMS_TENCENT_REGION": _env("SMS_TENCENT_REGION", "ap-guangzhou"),
        "SMS_DAILY_CAP": int(_env("SMS_DAILY_CAP", 5)),
        "LOG_LEVEL": _env("PORTAL_LOG_LEVEL", "INFO"),
        "STAFF_IDLE_MINUTES": _number("PORTAL_STAFF_IDLE_MINUTES", 30, minimum=1),
        "LOGIN_RATE_LIMIT": _env("PORTAL_LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "RESET_RATE_LIMIT": _env("PORTAL_RESET_RATE_LIMIT", "5 per minute; 20 per hour"),
        "SLA_WORKING_DAYS": _env("PORTAL_SLA_WORKING_DAYS", "2"),
        "SLA_CHECK_MINUTES": _number("PORTAL_SLA_CHECK_MINUTES", 10.0, float, minimum=0.01),
        # How often each host's worker loop reads the content generation from the database; a
        # change published on another host is served here within this (plus one request).
        "CONTENT_POLL_SECONDS": _number("PORTAL_CONTENT_POLL_SECONDS", 10.0, float, minimum=0.1),
        # Review steps before a page goes live, per kind: "default=1,alert=2" (at most 3, 三审).
        "REVIEW_STEPS": _env("PORTAL_REVIEW_STEPS", "default=1"),
        # A scheduled change published this many minutes late is reported to the editors.
        "PUBLISH_LATE_MINUTES": _number("PORTAL_PUBLISH_LATE_MINUTES", 5.0, float, minimum=0),
        "RETENTION_DAYS": _number("PORTAL_RETENTION_DAYS", 3 * 365, minimum=1),
        # Host names the portal answers to (comma-separated); empty: the SITE_URL's host in
        # production, that and localhost/127.0.0.1 otherwise. A forged Host header is refused with 400.
        "TRUSTED_HOSTS": _host_list(_env("PORTAL_TRUSTED_HOSTS", "")),
        # Reverse proxies / load balancers in front whose X-Forwarded-For/-Proto are believed: the
        # client address the rate limits count, and whether the request came over HTTPS.
        "PROXY_HOPS": _number("PORTAL_PROXY_HOPS", 0, minimum=0),
        # Form parsing bounds (Werkzeug): a body of thousands of parts or a huge text field is
        # refused with 413 before any view runs. The request form has about 25 parts.
        "MAX_FORM_PARTS": _number("PORTAL_MAX_FORM_PARTS", 200, minimum=1),
        "MAX_FORM_MEMORY_SIZE": _number("PORTAL_MAX_FORM_MEMORY_BYTES", 200 * 1024, minimum=1),
        # Separates this deployment's rate-limit counters in a shared Redis.
        "RATELIMIT_KEY_PREFIX": _env("PORTAL_RATELIMIT_KEY_PREFIX", "portal"),
    }


def derive(config):
    """Fill the settings computed from others, once every override (environment, then the caller's
    mapping) is in: a test or a caller that moves INSTANCE_DIR moves the uploads and the rate-limit
    counters with it. A value set explicitly, in the environment or the mapping, is kept."""
    for key in ("INSTANCE_DIR", "CONTENT_DIR", "SEARCH_INDEX_DIR", "UPLOAD_DIR"):
        if config.get(key) is not None:
            config[key] = Path(config[key])
    instance = config["INSTANCE_DIR"]
    if config.get("UPLOAD_DIR") is None:
        config["UPLOAD_DIR"] = instance / "uploads"
    if not config.get("RATELIMIT_STORAGE_URI"):
        # One count per host, shared by every gunicorn worker (portal/limits_sqlite.py).
        config["RATELIMIT_STORAGE_URI"] = f"portal-sqlite://{instance / 'ratelimits.sqlite'}"
    return config


def _host_list(text):
    hosts = [host.strip() for host in text.split(",") if host.strip()]
    return hosts or None


def validate(config):
    """Refuse settings that are unsafe in production."""
    if config["PORTAL_ENV"] not in ("development", "production", "testing"):
        raise ConfigError(f"PORTAL_ENV must be development, production or testing, not {config['PORTAL_ENV']!r}")
    if config["SMS_PROVIDER"] not in ("file", "aliyun", "tencent"):
        raise ConfigError(f"SMS_PROVIDER must be file, aliyun or tencent, not {config['SMS_PROVIDER']!r}")
    if config["SMS_PROVIDER"] != "file":
        # Every template's code is checked by portal.notify.init_app, which owns the templates.
        if not config["SMS_ACCESS_KEY_ID"] or not config["SMS_ACCESS_KEY_SECRET"]:
            raise ConfigError(f"SMS_PROVIDER={config['SMS_PROVIDER']} needs SMS_ACCESS_KEY_ID and "
                              "SMS_ACCESS_KEY_SECRET")
        if config["SMS_PROVIDER"] == "tencent" and not config["SMS_TENCENT_APP_ID"]:
            raise ConfigError("SMS_PROVIDER=tencent needs SMS_TENCENT_APP_ID (the SmsSdkAppId)")
    if config["PORTAL_ENV"] == "production":
        key = config["SECRET_KEY"]
        if key == DEV_SECRET or len(key) < 32:
            raise ConfigError("PORTAL_ENV=production needs SECRET_KEY set to a random value of 32 or more characters")
        if config["SITE_URL"] == DEFAULT_SITE_URL:
            # Every link in e-mails, the sitemap and hreflang would point at a port nothing serves.
            raise ConfigError("PORTAL_ENV=production needs PORTAL_SITE_URL set to the public address")
        if not config.get("TRUSTED_HOSTS"):
            # Never "any host" in production: the site's own name is the least that is true.
            config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname]
    elif not config.get("TRUSTED_HOSTS"):
        # `make run` on a reachable host, and the test suite alike (a test that uses another host
        # sets it): a forged Host is refused, never put into a redirect.
        config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname, "localhost", "127.0.0.1"]
