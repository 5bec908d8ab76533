"""/<lang>/search: the results page, and the OpenSearch description browsers use to add it."""

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from portal.i18n import other_language
from portal.limits import configured, limiter
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


def _url_maker(query, filters):
    """search_url(page=…, topic=…) for the template: the current search with some choices changed
    (None removes one); a changed filter goes back to page 1."""
    def search_url(page=None, **changes):
        args = {"q": query, **filters, **changes, "page": page}
        return url_for("search.results", **{key: value for key, value in args.items() if value})
    return search_url


@bp.get("/search")
@limiter.limit(configured("SEARCH_RATE_LIMIT"))
def results():
    query = request.args.get("q", "")
    filters = {param: request.args.get(param) for param in FACET_PARAMS}
    filters = {param: value for param, value in filters.items() if value in FACET_PARAMS[param]}
    page = _page_number(request.args.get("page"))
    g.keep_args = {"q": query[:200], **filters} if query else {}
    outcome, status = None, 200
    try:
        outcome = current_search().search(
            query, g.lang, {FACET_FIELDS[param]: value for param, value in filters.items()}, page,
            other_lang=other_language(g.lang))
    except SearchUnavailable:
        current_app.logger.exception("search unavailable")
        status = 503
    return render_template("search/results.html", outcome=outcome, query=query[:200], filters=filters,
                           facet_labels=FACET_PARAMS, kind_labels=KIND_LABELS, topic_labels=TOPICS,
                           search_url=_url_maker(query[:200], filters),
                           unavailable=outcome is None), status


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
