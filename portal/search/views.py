"""/<lang>/search: the results page, and the OpenSearch description browsers use to add it.

The page is rendered for every search, so what repeats per row is worked out once: the facet
and page links are one url_for and then plain query strings, the labels are translated once per
language and process, and a result's "kind · date" line once per kind, date and language (these
per-row url_for, gettext and date formatting calls were half of the page's time).
"""

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from portal import care
from portal.i18n import other_language
from portal.limits import configured, limiter
from portal.search.entries import DATED_KINDS
from portal.search.service import SearchUnavailable, current_search
from portal.vocab import AUDIENCES, KIND_LABELS, TOPICS

bp = Blueprint("search", __name__, template_folder="templates")

FACET_PARAMS = {"kind": KIND_LABELS, "topic": TOPICS, "audience": AUDIENCES}
FACET_FIELDS = {"kind": "kind", "topic": "topics", "audience": "audience"}


def _page_number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return 1


URL_SAFE = "!$'()*,/:;?@"  # what Werkzeug's url_for leaves unescaped in a query string
CACHED_LINES = 4096
_translated = {}   # locale -> {param: {value: label}}
_meta_lines = {}   # (locale, kind, date) -> "Guide · Updated 26 November 2026"


def _url_maker(query, filters):
    """search_url(page=…, topic=…) for the template: the current search with some choices changed
    (None removes one); a changed filter goes back to page 1. The same address url_for builds."""
    base = url_for("search.results")

    def search_url(page=None, **changes):
        args = {"q": query, **filters, **changes, "page": page}
        items = [(key, value) for key, value in args.items() if value]
        return f"{base}?{urlencode(items, safe=URL_SAFE)}" if items else base
    return search_url


def _labels():
    """The facet labels translated (they are lazy strings, translated again at every use)."""
    locale = str(get_locale())
    labels = _translated.get(locale)
    if labels is None:
        labels = _translated[locale] = {param: {value: str(label) for value, label in choices.items()}
                                        for param, choices in FACET_PARAMS.items()}
    return labels


def _meta_line(kind_labels):
    def meta(hit):
        key = (str(get_locale()), hit.kind, hit.updated)
        line = _meta_lines.get(key)
        if line is None:
            when = format_date(hit.updated, "long")
            dated = _("Dated %(date)s", date=when) if hit.kind in DATED_KINDS else _("Updated %(date)s", date=when)
            line = f"{kind_labels.get(hit.kind, hit.kind)} · {dated}"
            if len(_meta_lines) >= CACHED_LINES:
                _meta_lines.clear()
            _meta_lines[key] = line
        return line
    return meta


LONGEST_KEPT_QUERY = 200


@bp.get("/search")
@limiter.limit(configured("SEARCH_RATE_LIMIT"))
def results():
    query = request.args.get("q", "")
    filters = {param: request.args.get(param) for param in FACET_PARAMS}
    filters = {param: value for param, value in filters.items() if value in FACET_PARAMS[param]}
    page = _page_number(request.args.get("page"))
    g.keep_args = {"q": query[:200], **filters} if query else {}
    kept, key, stamp = current_app.extensions["search_pages"], None, None
    if len(query) <= LONGEST_KEPT_QUERY:
        try:
            stamp = current_search().opened().stamp
        except SearchUnavailable:
            stamp = None
        # The page differs by care mode (关怀版) too: its <html> class and its switch.
        key = (g.lang, query, tuple(sorted(filters.items())), page, care.from_request(request))
        html = kept.get(stamp, key) if stamp else None
        if html is not None:
            return html
    outcome, status = None, 200
    try:
        outcome = current_search().search(
            query, g.lang, {FACET_FIELDS[param]: value for param, value in filters.items()}, page,
            other_lang=other_language(g.lang))
    except SearchUnavailable:
        current_app.logger.exception("search unavailable")
        status = 503
    labels = _labels()
    html = render_template("search/results.html", outcome=outcome, query=query[:200], filters=filters,
                           facet_labels=labels, topic_labels=labels["topic"], hit_meta=_meta_line(labels["kind"]),
                           search_url=_url_maker(query[:200], filters), unavailable=outcome is None)
    if status == 200 and key is not None and stamp is not None:
        kept.put(stamp, key, html)
    return html, status


@bp.errorhandler(429)
def too_many_searches(_error):
    """Over SEARCH_RATE_LIMIT: the search page says so, with what was typed still in the box."""
    query = request.args.get("q", "")[:200]
    html = render_template("search/results.html", outcome=None, query=query, filters={}, limited=True)
    return html, 429, {"Retry-After": "60"}


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("search/opensearch.xml", site=current_app.config["SITE_URL"])
    return Response(xml, mimetype="application/opensearchdescription+xml")
