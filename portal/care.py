"""关怀版 (care mode): larger text, wider spacing, stronger contrast and bigger targets, for the visit.

A plain cookie (not the signed session) holds the choice, so the page cache can serve each mode its
own copy of a page without entering Flask: the cache keys pages by this flag too
(portal/page_cache.py). It is a display preference and nothing else; forging it only changes how
the page looks to whoever forged it.
"""

from werkzeug.http import parse_cookie

COOKIE = "care"


def from_environ(environ):
    """True when the request's cookies ask for care mode (a WSGI environ)."""
    return parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE) == "1"


def from_request(request):
    return request.cookies.get(COOKIE) == "1"
