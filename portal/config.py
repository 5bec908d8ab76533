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
        # A page whose facts were last reviewed longer ago is due for review: `flask content check`
        # warns and the editors' list marks it (one setting, law_changes.review_due).
        "CONTENT_REVIEW_MAX_MONTHS": _number("PORTAL_CONTENT_REVIEW_MAX_MONTHS", 6, minimum=1, maximum=120),
        "SEARCH_INDEX_DIR": Path(_env("PORTAL_SEARCH_INDEX_DIR", ROOT / "search_index")),
        "PREFERRED_URL_SCHEME": _env("PORTAL_URL_SCHEME", "http"),
        "SITE_URL": _env("PORTAL_SITE_URL", DEFAULT_SITE_URL).rstrip("/"),
        "MAX_CONTENT_LENGTH": _number("PORTAL_MAX_UPLOAD_BYTES", 55 * 1024 * 1024, minimum=1),
        "UPLOAD_DIR": _path("PORTAL_UPLOAD_DIR"),  # derived: INSTANCE_DIR/uploads
        "DATABASE_URL": _env("DATABASE_URL", ""),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", None),  # derived: a file in INSTANCE_DIR
        "ROUTING_CACHE_SECONDS": _number("PORTAL_ROUTING_CACHE_SECONDS", 5.0, float, minimum=0),
        # The public pages computed from the database (service report, institutions directory) are
        # served from each worker's memory for the rest of the current window (0: never kept).
        "DB_PAGES_CACHE_SECONDS": _number("PORTAL_DB_PAGES_CACHE_SECONDS", 60, minimum=0),
        "SUBMIT_RATE_LIMIT": _env("PORTAL_SUBMIT_RATE_LIMIT", "40 per hour"),
        # Per address, and loose: many people share one (CGNAT); each number has its own lockout.
        "TRACK_RATE_LIMIT": _env("PORTAL_TRACK_RATE_LIMIT", "30 per minute; 300 per hour"),
        # Per address: a made-up query costs more than a guide page, so search is counted too
        # (loose, as offices and mobile carriers share addresses).
        "SEARCH_RATE_LIMIT": _env("PORTAL_SEARCH_RATE_LIMIT", "60 per minute; 600 per hour"),
        # Results pages each worker keeps for searches asked again (until the index changes).
        "SEARCH_PAGE_CACHE": _number("PORTAL_SEARCH_PAGE_CACHE", 256, minimum=0),
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
        **site_facts_from_environment(),
        **site_health_from_environment(),
    }


# The site's identifiers and contact (every page's footer, the contact page, the about page and
# the privacy notice). Empty by default: outside production they show as demo values saying so
# (derive); production refuses to start without the operator (主办单位) and the ICP filing number
# (《互联网信息服务管理办法》 requires a filed site to show its number; the footer links it to
# the MIIT filing system at beian.miit.gov.cn).
SITE_FACTS = {
    "SITE_OPERATOR_ZH": "PORTAL_OPERATOR",          # 主办单位, in Chinese
    "SITE_OPERATOR_EN": "PORTAL_OPERATOR_EN",       # its English name (empty: the Chinese one)
    "ICP_NUMBER": "PORTAL_ICP_NUMBER",              # e.g. 冀ICP备12345678号
    "PSB_NUMBER": "PORTAL_PSB_NUMBER",              # 公安机关备案号, e.g. 冀公网安备13110202000001号
    "SITE_CODE": "PORTAL_SITE_CODE",                # 网站标识码 of a government site, when it has one
    "CONTACT_ADDRESS_ZH": "PORTAL_CONTACT_ADDRESS",
    "CONTACT_ADDRESS_EN": "PORTAL_CONTACT_ADDRESS_EN",
    "CONTACT_PHONE": "PORTAL_CONTACT_PHONE",
    "CONTACT_EMAIL": "PORTAL_CONTACT_EMAIL",
    "CONTACT_HOURS_ZH": "PORTAL_CONTACT_HOURS",
    "CONTACT_HOURS_EN": "PORTAL_CONTACT_HOURS_EN",
    "SUPERVISOR_ZH": "PORTAL_SUPERVISOR",           # the supervising department (主管部门)
    "SUPERVISOR_EN": "PORTAL_SUPERVISOR_EN",
}
# Shown outside production when a fact is not set: plainly demo, never a real-looking number.
DEMO_SITE_FACTS = {
    "SITE_OPERATOR_ZH": "示例主办单位（演示数据，正式上线前由 PORTAL_OPERATOR 设置）",
    "SITE_OPERATOR_EN": "Demo operator (demo data; set PORTAL_OPERATOR before going live)",
    "ICP_NUMBER": "演示ICP备00000000号（演示数据）",
    "CONTACT_ADDRESS_ZH": "（演示数据：地址由 PORTAL_CONTACT_ADDRESS 设置）",
    "CONTACT_ADDRESS_EN": "(demo data: the address is set by PORTAL_CONTACT_ADDRESS_EN)",
    "CONTACT_HOURS_ZH": "（演示数据：办公时间由 PORTAL_CONTACT_HOURS 设置）",
    "CONTACT_HOURS_EN": "(demo data: office hours are set by PORTAL_CONTACT_HOURS_EN)",
}


def site_facts_from_environment():
    return {key: _env(variable, "").strip() for key, variable in SITE_FACTS.items()}


def site_health_from_environment():
    """The site-health checks' settings (portal/sitehealth/; defaults and the rules they come from
    in the README, "Site health")."""
    return {
        # Days a column may go without a new item, per content kind (portal/sitehealth/columns.py).
        "COLUMN_CYCLE_DAYS": _env("PORTAL_COLUMN_CYCLE_DAYS", ""),
        # Editors are e-mailed this many days before a column goes stale (once per column and cycle).
        "COLUMN_WARN_DAYS": _number("PORTAL_COLUMN_WARN_DAYS", 3, minimum=0, maximum=60),
        # Working days to reply, per request type and for problem reports (portal/sitehealth/replies.py).
        "REPLY_WORKING_DAYS": _env("PORTAL_REPLY_WORKING_DAYS", ""),
        "REPLY_WARN_WORKING_DAYS": _number("PORTAL_REPLY_WARN_WORKING_DAYS", 1, minimum=0, maximum=30),
        "REPLY_HARD_LIMIT_MONTHS": _number("PORTAL_REPLY_HARD_LIMIT_MONTHS", 3, minimum=1, maximum=12),
        # `flask site check` from the worker loop: how often, and how politely (portal/sitehealth/links.py).
        # 0: the worker loop does not run it (cron does, or nobody: the test suite, with no network).
        "SITE_CHECK_HOURS": _number("PORTAL_SITE_CHECK_HOURS", 24.0, float, minimum=0),
        "LINK_CHECK_CONCURRENCY": _number("PORTAL_LINK_CHECK_CONCURRENCY", 8, minimum=1, maximum=64),
        "LINK_CHECK_TIMEOUT": _number("PORTAL_LINK_CHECK_TIMEOUT", 10.0, float, minimum=0.1, maximum=120),
        "LINK_CHECK_HOST_DELAY": _number("PORTAL_LINK_CHECK_HOST_DELAY", 1.0, float, minimum=0, maximum=60),
        "LINK_CHECK_USER_AGENT": _env("PORTAL_LINK_CHECK_USER_AGENT",
                                      "HengshuiIPPortal-LinkCheck/1.0 (+site health; respects robots.txt)"),
        # "这个页面有问题？" reports per client address.
        "REPORT_RATE_LIMIT": _env("PORTAL_REPORT_RATE_LIMIT", "5 per hour; 20 per day"),
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
    config["SITE_FACTS_DEMO"] = []
    if config["PORTAL_ENV"] != "production":
        for key, demo in DEMO_SITE_FACTS.items():
            if not config.get(key):
                config[key] = demo
                config["SITE_FACTS_DEMO"].append(key)
    if not config.get("SITE_OPERATOR_EN"):
        config["SITE_OPERATOR_EN"] = config.get("SITE_OPERATOR_ZH", "")
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
        missing = [SITE_FACTS[key] for key in ("SITE_OPERATOR_ZH", "ICP_NUMBER") if not config.get(key)]
        if missing:
            # A site without its operator and ICP number in the footer fails an inspection outright,
            # and is not allowed to serve the public in the mainland at all.
            raise ConfigError(f"PORTAL_ENV=production needs {' and '.join(missing)} set (the operator, 主办单位, "
                              "and the ICP filing number shown in every page's footer)")
        if not config.get("TRUSTED_HOSTS"):
            # Never "any host" in production: the site's own name is the least that is true.
            config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname]
    elif not config.get("TRUSTED_HOSTS"):
        # `make run` on a reachable host, and the test suite alike (a test that uses another host
        # sets it): a forged Host is refused, never put into a redirect.
        config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname, "localhost", "127.0.0.1"]
