"""The columns every Chinese IP office publishes: 通知公告 (notices), 政策文件 (the policy library)
and 政策解读 (interpretations). Their front-matter fields, the rules one page must follow and the
rules between pages (an interpretation explains exactly one policy that exists), and the pure
orderings the lists and the home page use. Declared here, below the features, so the loader,
`flask content check`, the publishing checks, the edit form and the public pages read one list.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

# Folder -> kind; content/notices, content/policies and content/interpretations.
COLUMN_SECTIONS = {"notices": "notice", "policies": "policy", "interpretations": "interpretation"}
COLUMN_KINDS = tuple(COLUMN_SECTIONS.values())

NOTICE_KINDS = {
    "call": _l("Call for applications"),
    "result": _l("Results and lists"),
    "event": _l("Event announcement"),
    "service": _l("Service change"),
}

# Who issued a document. A list of ids, because many are issued jointly (中共中央 国务院).
ISSUERS = {
    "cpc-central-committee": _l("CPC Central Committee"),
    "state-council": _l("State Council"),
    "state-council-office": _l("General Office of the State Council"),
    "npc-standing-committee": _l("NPC Standing Committee"),
    "cnipa": _l("China National Intellectual Property Administration"),
    "hebei-party-committee": _l("CPC Hebei Provincial Committee"),
    "hebei-government": _l("Hebei Provincial Government"),
    "hebei-ip-office": _l("Hebei Intellectual Property Office"),
    "hengshui-government-office": _l("General Office of the Hengshui City Government"),
    "hengshui-market-regulation": _l("Hengshui Market Regulation Administration"),
    "hengshui-ip-centre": _l("Hengshui IP Promotion and Protection Centre"),
    # Demo notices (flask seed demo) never name a real organisation as their author.
    "demo-office": _l("Demo office (not a real organisation)"),
}

POLICY_LEVELS = {
    "national": _l("National"),
    "hebei": _l("Hebei Province"),
    "hengshui": _l("Hengshui City"),
    "county": _l("County or district"),
}

POLICY_STATUSES = {
    "in-force": _l("In force"),
    "amended": _l("Amended"),
    "repealed": _l("Repealed"),
    "expired": _l("Period ended"),
}
# A file in one of these states names, and links, the document that changed it.
CHANGED_STATUSES = ("amended", "repealed")

ATTACHMENT_ID = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"^[a-z0-9-]{1,80}$")
_URL = re.compile(r"^(https?://[^\s/$.?#][^\s]*|/(zh|en)/[^\s]*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ChangedBy:
    """The document that amended or repealed a policy file: named, dated and linked on its page."""
    title: str
    url: str  # its official text (https://…) or its page in this library (/zh/policies/<slug>)
    date: date


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    return value.strip()


def parse_changed_by(value, parse_date):
    """{title, url, date} (the edit form types it on one line: title | url | date)."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split("|")]
        if len(parts) != 3:
            raise ValueError("must be title | url | date (YYYY-MM-DD)")
        value = dict(zip(("title", "url", "date"), parts, strict=True))
    if not isinstance(value, dict) or set(value) != {"title", "url", "date"}:
        raise ValueError("must have exactly title, url and date")
    url = str(value["url"]).strip()
    if not _URL.match(url):
        raise ValueError(f"{url!r} is not an http(s) URL or a site path like /zh/policies/<slug>")
    try:
        when = parse_date(value["date"])
    except ValueError as error:
        raise ValueError(f"date {error}") from None
    return ChangedBy(_text(value["title"]), url, when)


def parse_slug(value):
    if not isinstance(value, str) or not _SLUG.match(value.strip()):
        raise ValueError("must be the address name of a policy file (lower-case letters, digits, '-')")
    return value.strip()


def parse_attachments(value):
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ValueError("must be a non-empty list of attachment ids")
    bad = [str(item)[:40] for item in items if not isinstance(item, str) or not ATTACHMENT_ID.match(item)]
    if bad:
        raise ValueError(f"{bad} are not attachment ids (32 letters 0-9 a-f, as the attachments page shows them)")
    return tuple(dict.fromkeys(items))


def parse_flag(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("must be true or false")


def page_problems(kind, values, today):
    """What one notice, policy or interpretation must satisfy by itself (sentences, no file name)."""
    if kind == "notice":
        if values.get("notice_kind") == "call" and not values.get("closes"):
            yield "closes: a call for applications needs its closing date (YYYY-MM-DD)"
        if values.get("closes") and values.get("date") and values["closes"] < values["date"]:
            yield f"closes ({values['closes']}) is before the notice's date ({values['date']})"
        if "demo-office" in (values.get("issuer") or ()) and not values.get("demo"):
            yield "issuer: demo-office is only for demo notices (demo: true)"
        if values.get("demo") and set(values.get("issuer") or ()) - {"demo-office"}:
            yield "issuer: a demo notice names no real organisation (issuer: [demo-office])"
        if not values.get("demo") and not values.get("sources"):
            yield "sources: a real notice cites the notice itself (only a demo notice, demo: true, has none)"
    if kind == "policy":
        status, changed_by = values.get("status"), values.get("changed_by")
        if status in CHANGED_STATUSES and changed_by is None:
            yield (f"changed_by: a policy marked {status} must name the document that changed it "
                   "(title | url | date)")
        if status not in CHANGED_STATUSES and changed_by is not None:
            yield "changed_by: only an amended or repealed policy names a changing document"
        if status == "expired" and not values.get("period_end"):
            yield "period_end: a policy whose period has ended gives the last day of that period"
        if values.get("period_end") and values["period_end"] >= today and status == "expired":
            yield f"status: expired, but its period runs until {values['period_end']}"
        if not any(source.role in ("primary", "report") for source in values.get("sources") or ()):
            yield ("sources: a policy file needs its official text (role: primary) or, where that could not be "
                   "read, a reliable document naming it (role: report)")
    if kind != "notice" and values.get("demo"):
        yield "demo: only notices may be demo pages"


def cross_page_problems(pages):
    """Rules between pages: each interpretation explains a policy that is in the library, in the
    same language; a changed_by link to a policy page points at one that exists."""
    policies = {(page.slug, page.lang) for page in pages if page.kind == "policy"}
    for page in pages:
        if page.kind == "interpretation" and page.policy and (page.policy, page.lang) not in policies:
            yield (f"{page.path}: policy {page.policy!r} is not a policy file in the library "
                   f"(an interpretation must link to the policy it explains)")
        if page.kind == "policy" and page.changed_by and page.changed_by.url.startswith("/"):
            target = page.changed_by.url.rstrip("/").split("/")
            if len(target) == 4 and target[2] == "policies" and (target[3], page.lang) not in policies:
                yield f"{page.path}: changed_by links to {page.changed_by.url}, which is not in the library"


# --- Orderings (pure; the lists, feeds and the home page) ----------------------------------------

def is_open(notice, today):
    """A call for applications that has not closed yet (open until the end of its closing day)."""
    return notice.notice_kind == "call" and notice.closes is not None and notice.closes >= today


def notices_newest_first(notices):
    return sorted(notices, key=lambda page: (page.date, page.slug), reverse=True)


def open_calls_first(notices, today):
    """Open calls (the nearest closing date first), then every other notice newest first."""
    notices = notices_newest_first(notices)
    open_calls = sorted((n for n in notices if is_open(n, today)), key=lambda n: (n.closes, n.slug))
    return open_calls + [n for n in notices if not is_open(n, today)]


def policy_year(policy):
    """The year a policy was issued: its date, else the year its document number states (〔2021〕)."""
    if policy.date:
        return policy.date.year
    match = re.search(r"〔(\d{4})〕", policy.doc_number or "")
    return int(match.group(1)) if match else None


def interpretations_of(pages, policy_slug, lang):
    found = [p for p in pages if p.kind == "interpretation" and p.policy == policy_slug and p.lang == lang]
    return sorted(found, key=lambda page: (page.date, page.slug), reverse=True)
