"""The published pages under /<lang>/: home, the guides hub, guides and the fixed pages.

Pages without query-string choices are @rendered_once (see portal/page_cache.py).
"""

from datetime import date

from flask import Blueprint, g, render_template, request

from portal.content import current_catalog, page_or_404
from portal.content.columns import NOTICE_KINDS, open_calls_first
from portal.page_cache import rendered_once
from portal.vocab import ALERT_LABELS, AUDIENCES, REQUEST_TYPES, TOPICS

bp = Blueprint("pages", __name__, template_folder="templates")

# Fixed pages served from content/pages/<slug>.<lang>.md: slug -> URL rule.
FIXED_PAGES = {"about": "/about", "privacy": "/privacy", "accessibility": "/accessibility"}


@bp.get("/")
@rendered_once
def home():
    catalog = current_catalog()
    guides = catalog.guides(g.lang)
    topics = [(topic, label) for topic, label in TOPICS.items() if any(topic in p.topics for p in guides)]
    today = date.today()
    return render_template("pages/home.html", guides=guides, topics=topics, audiences=AUDIENCES,
                           latest_alerts=catalog.alerts(g.lang)[:3], alert_labels=ALERT_LABELS,
                           latest_notices=open_calls_first(catalog.in_section("notices", g.lang), today)[:3],
                           notice_labels=NOTICE_KINDS, today=today)


@bp.get("/guides/")
def guides_hub():
    # Filters come from the query string, so only known values are accepted (and cached nowhere).
    topic = request.args.get("topic")
    audience = request.args.get("audience")
    topic = topic if topic in TOPICS else None
    audience = audience if audience in AUDIENCES else None
    g.keep_args = {key: value for key, value in (("topic", topic), ("audience", audience)) if value}
    guides = current_catalog().guides(g.lang, topic=topic, audience=audience)
    return render_template("pages/guides_hub.html", guides=guides, topics=TOPICS, audiences=AUDIENCES,
                           topic=topic, audience=audience)


@bp.get("/guides/<slug>")
@rendered_once
def guide(slug):
    page = page_or_404("guides", slug)
    return render_template("pages/guide.html", page=page, topics=TOPICS, audiences=AUDIENCES,
                           request_types=REQUEST_TYPES)


def _fixed_page(slug):
    page = page_or_404("pages", slug)
    return render_template("pages/page.html", page=page)


def _register_fixed_pages():
    for slug, rule in FIXED_PAGES.items():
        def view(slug=slug):
            return _fixed_page(slug)
        view.__name__ = slug
        bp.add_url_rule(rule, slug, rendered_once(view), methods=["GET"])


_register_fixed_pages()
