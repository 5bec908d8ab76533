"""Site health: what an inspector of government websites would find, before they do: columns going
stale, broken links, words to avoid, replies past their limits (the dashboard at
/<lang>/staff/site-health and `flask site check`); the footer's site identifiers, the contact page,
"这个页面有问题？" on every page and the 关怀版 switch in every page's header."""

import re

from flask import request

from portal import care, tasks
from portal.config import ConfigError
from portal.i18n import current_language
from portal.sitehealth import columns, replies
from portal.sitehealth.cli import site_group
from portal.sitehealth.service import daily_task, escalate_replies
from portal.vocab import REQUEST_TYPES

MIIT_FILING = "https://beian.miit.gov.cn/"
PSB_FILING = "https://beian.mps.gov.cn/#/query/webSearch?code="


def site_facts(config, lang):
    """The footer's and contact page's facts in `lang` (empty values are left out by the templates)."""
    def pick(key):
        return config.get(f"{key}_{'ZH' if lang == 'zh' else 'EN'}") or config.get(f"{key}_ZH", "")

    psb = config.get("PSB_NUMBER", "")
    digits = "".join(re.findall(r"\d+", psb))
    return {"operator": pick("SITE_OPERATOR"), "icp": config.get("ICP_NUMBER", ""), "icp_url": MIIT_FILING,
            "psb": psb, "psb_url": PSB_FILING + digits if digits else "", "site_code": config.get("SITE_CODE", ""),
            "address": pick("CONTACT_ADDRESS"), "phone": config.get("CONTACT_PHONE", ""),
            "email": config.get("CONTACT_EMAIL", ""), "hours": pick("CONTACT_HOURS"),
            "supervisor": pick("SUPERVISOR"), "demo": bool(config.get("SITE_FACTS_DEMO"))}


def init_app(app, csrf):
    from portal.sitehealth import models, views  # noqa: F401, PLC0415 (the tables, then the routes)

    try:
        app.extensions["sitehealth"] = {
            "cycles": columns.parse_cycles(app.config["COLUMN_CYCLE_DAYS"]),
            "reply_days": replies.parse_reply_days(app.config["REPLY_WORKING_DAYS"], REQUEST_TYPES),
        }
    except ValueError as error:
        raise ConfigError(str(error)) from None
    app.register_blueprint(views.bp, url_prefix="/<language:lang>")
    # The switch sets a display cookie and nothing else; the page carrying it is served from the page
    # cache to everyone, so it cannot hold a per-visitor token.
    csrf.exempt(views.care_mode)
    app.cli.add_command(site_group)

    @app.context_processor
    def footer_facts():
        return {"site_facts": site_facts(app.config, current_language()), "care_mode": care.from_request(request)}

    if app.config["SITE_CHECK_HOURS"] > 0:
        tasks.every(app, "site check (links, columns)", app.config["SITE_CHECK_HOURS"] * 3600, daily_task)
    tasks.every(app, "reply-limit escalation", app.config["SLA_CHECK_MINUTES"] * 60, escalate_replies)
