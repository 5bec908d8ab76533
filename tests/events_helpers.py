"""Event pages for the tests: written as an editor would (front matter + body), put into the app's
catalog beside the real content, with times relative to now so that windows are open or closed."""

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from portal.content.catalog import Catalog, page_from_text
from portal.sla import BEIJING

BODY = {"zh": "## 活动内容\n\n测试活动。\n", "en": "## What happens\n\nA test event.\n"}


def beijing(moment):
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def event_facts(now=None, **changes):
    """The `event:` mapping of an event whose registration is open now and that starts in 6 days."""
    now = now or datetime.now(UTC)
    facts = {"kind": "financing-day", "starts": beijing(now + timedelta(days=6)),
             "ends": beijing(now + timedelta(days=6, hours=3)), "place": "测试会场", "county": "taocheng",
             "capacity": 2, "registration_opens": beijing(now - timedelta(days=1)),
             "registration_closes": beijing(now + timedelta(days=5)), "organiser": "center",
             "partners": ["bank-a"],
             "questions": [{"id": "need", "label": "融资需求", "required": True},
                           {"id": "people", "label": "人数", "type": "number"}]}
    facts.update(changes)
    return {key: value for key, value in facts.items() if value is not None}


def event_text(lang="zh", title=None, **facts):
    meta = {"title": title or ("测试活动" if lang == "zh" else "Test event"),
            "summary": "一句话。" if lang == "zh" else "One sentence.", "kind": "event",
            "topics": ["pledge-financing"], "audience": ["enterprise"], "updated": "2026-11-01",
            "reviewed": "2026-11-01", "event": event_facts(**facts)}
    return "---\n" + "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()) \
        + "\n---\n" + BODY[lang]


def event_pages(slug, **facts):
    pages = []
    for lang in ("zh", "en"):
        page, problems = page_from_text("events", slug, lang, event_text(lang, **facts), f"events/{slug}.{lang}.md",
                                        datetime.now(UTC).date())
        assert not problems, problems
        pages.append(page)
    return pages


@contextmanager
def events_in(app, *specs):
    """The app's catalog with these events added: specs are (slug, facts) pairs."""
    real = app.extensions["catalog"]
    added = [page for slug, facts in specs for page in event_pages(slug, **facts)]
    app.extensions["catalog"] = Catalog([*real, *added], real.build_id, real.generation)
    app.extensions["page_cache"].clear()
    try:
        yield added
    finally:
        app.extensions["catalog"] = real
        app.extensions["page_cache"].clear()


def registration_fields(email="li@example.com", **changes):
    fields = {"applicant_kind": "enterprise", "organisation": "衡水示例橡胶有限公司",
              "credit_code": "91110000600037341L",
              "contact_name": "李四", "phone": "13803181234", "email": email, "q_need": "500万元流动资金",
              "q_people": "2", "consent": "y", "sms_consent": "y", "share_with_banks": "y"}
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}
