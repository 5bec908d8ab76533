"""通知公告, 政策文件 and 政策解读: the filtered lists, one page of each kind and Atom feeds per
language and per filter. Lists are plain GET forms (no JavaScript); pages are rendered once."""

from datetime import date

from flask import Response, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from portal.columns import attachments
from portal.columns.blueprint import bp
from portal.columns.filters import (
    NOTICE_CHOICES,
    POLICY_CHOICES,
    matching_notices,
    matching_policies,
    paginate,
    parse,
)
from portal.content import current_catalog, page_or_404
from portal.content.columns import (
    ISSUERS,
    NOTICE_KINDS,
    POLICY_LEVELS,
    POLICY_STATUSES,
    interpretations_of,
    is_open,
    notices_newest_first,
    open_calls_first,
    policy_year,
)
from portal.page_cache import rendered_once
from portal.vocab import TOPICS

FEED_SIZE = 50
LABELS = {"topic": TOPICS, "kind": NOTICE_KINDS, "level": POLICY_LEVELS, "issuer": ISSUERS,
          "status": POLICY_STATUSES, "notice_kind": NOTICE_KINDS}


def _section(section):
    return current_catalog().in_section(section, g.lang)


def _status(filters, pages):
    if filters.unknown or filters.bad_page:
        return 400
    return 404 if filters.page > pages else 200


def _present_choices(pages, name, labels):
    """Only the values some page has: an empty filter choice helps nobody."""
    return {value: label for value, label in labels.items() if any(value in getattr(p, name) for p in pages)}


def _attachment_rows(page):
    rows = []
    for token in page.attachments:
        attachment = attachments.find(token)
        if attachment is not None:
            rows.append({"url": url_for("columns.download", token=token), "name": attachment.original_name,
                         "type": attachment.type_label, "size": attachments.human_size(attachment.size, g.lang)})
    return rows


# --- Notices ------------------------------------------------------------------------------------

@bp.get("/notices")
def notices():
    every = _section("notices")
    years = sorted({n.date.year for n in every}, reverse=True)
    filters = parse(request.args, NOTICE_CHOICES, set(years))
    g.keep_args = filters.query_args
    today = date.today()
    chosen = matching_notices(every, filters)
    chosen = open_calls_first(chosen, today) if filters.order == "open" else notices_newest_first(chosen)
    shown, pages = paginate(chosen, filters.page)
    choices = {"kind": {k: v for k, v in NOTICE_KINDS.items() if any(n.notice_kind == k for n in every)},
               "topic": _present_choices(every, "topics", TOPICS)}
    return render_template("columns/notices.html", notices=shown, total=len(chosen), filters=filters, pages=pages,
                           choices=choices, years=years, labels=LABELS, today=today,
                           feed_url=url_for("columns.notices_feed", **filters.feed_args)), _status(filters, pages)


@bp.get("/notices/<slug>")
def notice(slug):
    # Not cached: "open until …" turns into "closed" at midnight without a publish.
    page = page_or_404("notices", slug)
    return render_template("columns/notice.html", page=page, labels=LABELS, is_open=is_open(page, date.today()),
                           attachments=_attachment_rows(page), today=date.today())


# --- Policies and interpretations ---------------------------------------------------------------

@bp.get("/policies")
def policies():
    every = _section("policies")
    years = sorted({y for y in (policy_year(p) for p in every) if y}, reverse=True)
    filters = parse(request.args, POLICY_CHOICES, set(years))
    g.keep_args = filters.query_args
    chosen = sorted(matching_policies(every, filters),
                    key=lambda p: (policy_year(p) or 0, p.date or date.min, p.slug), reverse=True)
    shown, pages = paginate(chosen, filters.page)
    choices = {"level": {k: v for k, v in POLICY_LEVELS.items() if any(p.level == k for p in every)},
               "issuer": _present_choices(every, "issuer", ISSUERS),
               "topic": _present_choices(every, "topics", TOPICS),
               "status": {k: v for k, v in POLICY_STATUSES.items() if any(p.status == k for p in every)}}
    return render_template("columns/policies.html", policies=shown, total=len(chosen), filters=filters, pages=pages,
                           choices=choices, years=years, labels=LABELS, policy_year=policy_year,
                           feed_url=url_for("columns.policies_feed", **filters.feed_args)), _status(filters, pages)


@bp.get("/policies/<slug>")
@rendered_once
def policy(slug):
    page = page_or_404("policies", slug)
    catalog = current_catalog()
    return render_template("columns/policy.html", page=page, labels=LABELS, year=policy_year(page),
                           interpretations=interpretations_of(catalog, slug, g.lang),
                           attachments=_attachment_rows(page), today=date.today())


@bp.get("/interpretations")
def interpretations():
    every = sorted(_section("interpretations"), key=lambda p: (p.date, p.slug), reverse=True)
    return render_template("columns/interpretations.html", interpretations=every,
                           policies={p.slug: p for p in _section("policies")})


@bp.get("/interpretations/<slug>")
@rendered_once
def interpretation(slug):
    page = page_or_404("interpretations", slug)
    explained = current_catalog().get("policies", page.policy, g.lang)
    if explained is None:
        abort(404)  # the publishing checks refuse this; a 404 rather than a broken page if it happens
    return render_template("columns/interpretation.html", page=page, policy=explained, labels=LABELS)


# --- Feeds --------------------------------------------------------------------------------------

def _feed_refused(filters):
    # A feed reader shows no page: the parameters are named, their values never echoed.
    names = ", ".join(sorted({name for name, _value in filters.unknown}))
    return Response(f"Unknown filter value in: {names}\n", status=400, mimetype="text/plain")


def _feed(entries, title, self_endpoint, list_endpoint, filters, newest_of):
    site = current_app.config["SITE_URL"]
    feed_updated = max((page.updated for page in newest_of), default=date(2026, 1, 1))
    xml = render_template("columns/feed.xml", entries=entries[:FEED_SIZE], site=site, title=title,
                          feed_updated=feed_updated, labels=LABELS,
                          self_url=site + url_for(self_endpoint, **filters.feed_args),
                          list_url=site + url_for(list_endpoint, **filters.feed_args))
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/notices/feed.atom")
def notices_feed():
    every = _section("notices")
    filters = parse(request.args, NOTICE_CHOICES)
    if filters.unknown:
        return _feed_refused(filters)
    chosen = notices_newest_first(matching_notices(every, filters))
    entries = [{"page": n, "url": url_for("columns.notice", slug=n.slug), "published": n.date,
                "categories": [("kind", n.notice_kind)] + [("topic", t) for t in n.topics]} for n in chosen]
    return _feed(entries, _("Notices"), "columns.notices_feed", "columns.notices", filters, chosen or every)


@bp.get("/policies/feed.atom")
def policies_feed():
    every = _section("policies")
    filters = parse(request.args, POLICY_CHOICES)
    if filters.unknown:
        return _feed_refused(filters)
    chosen = sorted(matching_policies(every, filters), key=lambda p: (p.updated, p.slug), reverse=True)
    entries = [{"page": p, "url": url_for("columns.policy", slug=p.slug), "published": p.date or p.updated,
                "categories": [("level", p.level), ("status", p.status)] + [("topic", t) for t in p.topics]}
               for p in chosen]
    return _feed(entries, _("Policy library"), "columns.policies_feed", "columns.policies", filters, chosen or every)
