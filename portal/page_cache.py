"""Rendered content pages served from memory, in front of Flask.

A catalog is immutable, so a content page's HTML never changes while it is in service; when a
newer content generation is published the content package replaces the catalog and empties this
cache (see `freshness` below and portal/content/live.py).
The first request for a page goes through Flask as usual (routing, 404s, the view,
every after_request hook); a view decorated with @rendered_once stores the body together with
every header Flask sent with it. Later GET/HEAD requests for that address are answered by
PageCacheMiddleware from the stored bytes and headers without entering Flask at all, which is
what lets a guide page be served nearly as fast as a bare "hello". Only addresses a view accepted
are stored, so the cache is bounded by the number of pages.

The middleware sits inside ProxyFix, so the scheme it sees is the client's, and it keys pages by
scheme, path and care mode (关怀版, portal/care.py): a page first rendered over HTTPS (with HSTS)
is never served over plain HTTP, or the other way round, nor a standard page to a visitor in care
mode. It applies the trusted-host check Flask would: a forged Host header gets the
same 400 whether or not the page was cached.
"""

import hashlib
from functools import wraps

from flask import Response, current_app, g, request
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from portal import care

CACHE_CONTROL = "public, max-age=300"
# Headers that belong to one response, not to the page: computed again (Content-Length) or never
# sent from the cache (a cookie is personal, and cached pages set none).
NOT_KEPT = frozenset(("content-length", "set-cookie", "date"))


class CachedPage:
    def __init__(self, html):
        self.body = html.encode("utf-8")
        # The same ETag from every worker, so a conditional request works behind any of them.
        self.etag = hashlib.sha256(self.body).hexdigest()[:20]
        self.headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{self.etag}"'),
                        ("Cache-Control", CACHE_CONTROL)]
        self.full_headers = self.headers

    def keep_headers_of(self, response):
        """Serve later copies with every header Flask sent with the first (security headers,
        HSTS over TLS, Vary…), so a cached page is indistinguishable from a rendered one."""
        self.headers = [(name, value) for name, value in response.headers.items() if name.lower() not in NOT_KEPT]
        self.full_headers = [*self.headers, ("Content-Length", str(len(self.body)))]

    @property
    def not_modified_headers(self):
        return [(name, value) for name, value in self.headers if name.lower() != "content-type"]

    def not_modified(self, if_none_match):
        return bool(if_none_match) and (if_none_match.strip() == "*" or f'"{self.etag}"' in if_none_match)

    def flask_response(self):
        if self.not_modified(request.headers.get("If-None-Match")):
            return Response(status=304, headers=self.headers[1:])
        return Response(self.body, headers=self.headers)


def rendered_once(view):
    """Render the view once per address; serve it from the page cache afterwards."""

    @wraps(view)
    def wrapper(**kwargs):
        key = (request.scheme, request.path, care.from_request(request))
        page = current_app.extensions["page_cache"].get(key)
        if page is None:
            page = CachedPage(view(**kwargs))
            g.page_to_cache = (key, page)  # stored with its final headers, after every hook ran
        return page.flask_response()

    return wrapper


class PageCacheMiddleware:
    def __init__(self, wsgi_app, pages, config):
        self.wsgi_app = wsgi_app
        self.pages = pages
        self.config = config
        # Set by the content package: a cheap check (no database) that rebuilds the catalog and
        # empties this cache when a newer content generation was published.
        self.freshness = None

    def __call__(self, environ, start_response):
        if self.freshness is not None:
            self.freshness()
        method = environ.get("REQUEST_METHOD")
        page = None
        if method in ("GET", "HEAD"):
            key = (environ.get("wsgi.url_scheme"), environ.get("PATH_INFO"), care.from_environ(environ))
            page = self.pages.get(key)
        if page is None or not self._trusted(environ):
            return self.wsgi_app(environ, start_response)  # Flask answers, 400 for a forged Host
        if page.not_modified(environ.get("HTTP_IF_NONE_MATCH")):
            start_response("304 Not Modified", page.not_modified_headers)
            return []
        start_response("200 OK", page.full_headers)
        return [] if method == "HEAD" else [page.body]

    def _trusted(self, environ):
        trusted = self.config.get("TRUSTED_HOSTS")
        if not trusted:
            return True
        try:
            get_host(environ, trusted_hosts=trusted)
        except SecurityError:
            return False
        return True


def init_app(app):
    """Before security.init_app: its ProxyFix then wraps this middleware (the scheme and client are
    the real ones here), and the hook below runs after the security headers are added."""
    pages = app.extensions["page_cache"] = {}
    app.wsgi_app = app.extensions["page_cache_middleware"] = PageCacheMiddleware(app.wsgi_app, pages, app.config)

    @app.after_request
    def keep_rendered_page(response):
        pending = g.pop("page_to_cache", None)
        if pending and response.status_code == 200:
            key, page = pending
            # Browsers keep a page for CACHE_CONTROL's 5 minutes: the care-mode cookie must make them
            # ask again, or switching modes would show the other mode's copy.
            response.vary.add("Cookie")
            page.keep_headers_of(response)
            pages[key] = page
        return response
