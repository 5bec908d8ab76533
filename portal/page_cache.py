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

Pages computed from the database (the service report, the institutions directory) change
without a new content generation, so they are kept for a short time instead (`for_a_while`):
until the end of the current window of DB_PAGES_CACHE_SECONDS, counted from the epoch, so every
worker of every host starts a new window at the same moment and none serves a figure older than
that. They are keyed by their canonical query string (the view's validated choices), so the
number kept is bounded by the choices, not by what clients send.

The middleware sits inside ProxyFix, so the scheme it sees is the client's, and it keys pages by
scheme, path and care mode (关怀版, portal/care.py): a page first rendered over HTTPS (with HSTS)
is never served over plain HTTP, or the other way round, nor a standard page to a visitor in care
mode. It applies the trusted-host check Flask would: a forged Host header gets the
same 400 whether or not the page was cached.
"""

import hashlib
import threading
import time
from functools import wraps

from flask import Response, current_app, g, request
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from portal import care

CACHE_CONTROL = "public, max-age=300"
_refreshing = threading.Lock()
# Headers that belong to one response, not to the page: computed again (Content-Length) or never
# sent from the cache (a cookie is personal, and cached pages set none).
NOT_KEPT = frozenset(("content-length", "set-cookie", "date"))


class CachedPage:
    def __init__(self, html, cache_control=CACHE_CONTROL, expires_at=None):
        self.body = html.encode("utf-8")
        self.expires_at = expires_at  # epoch seconds; None: until the content generation moves
        self.refresh_started = 0.0  # when a thread began rendering its successor (for_a_while)
        # The same ETag from every worker, so a conditional request works behind any of them.
        self.etag = hashlib.sha256(self.body).hexdigest()[:20]
        self.headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{self.etag}"'),
                        ("Cache-Control", cache_control)]
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
            g.page_to_cache = (current_app.extensions["page_cache"], key, page)  # stored with its final
            # headers, after every hook ran
        return page.flask_response()

    return wrapper


REFRESH_SECONDS = 30  # a render that takes longer (or failed) no longer holds the others back


def for_a_while(canonical_query, render):
    """The response for this address with `canonical_query` (the view's validated choices, as a
    query string): from memory while the current window lasts, else `render()` (the page's HTML)
    kept until the window ends. A window of 0 seconds keeps nothing.

    When a window ends, one thread of the worker renders the new page while the others go on
    serving the last one: when all of a worker's threads rendered the report at once, each took
    seconds and the minute's first answers were late."""
    seconds = current_app.config["DB_PAGES_CACHE_SECONDS"]
    if not seconds:
        return render()
    key = (request.scheme, request.path, canonical_query, care.from_request(request))
    timed = current_app.extensions["timed_pages"]
    page, now = timed.get(key), time.time()
    if page is not None and page.expires_at > now:
        return page.flask_response()
    if page is not None:
        with _refreshing:
            mine = now - page.refresh_started > REFRESH_SECONDS
            if mine:
                page.refresh_started = now
        if not mine:
            return page.flask_response()  # another thread is rendering this window's page
    ends = (now // seconds + 1) * seconds
    # Browsers ask again each time (a 304 while the ETag holds), so none keeps a stale figure.
    fresh = CachedPage(render(), "public, no-cache", expires_at=ends)
    g.page_to_cache = (timed, key, fresh)
    return fresh.flask_response()


class PageCacheMiddleware:
    def __init__(self, wsgi_app, pages, config, timed=None):
        self.wsgi_app = wsgi_app
        self.pages = pages
        self.timed = {} if timed is None else timed
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
            scheme, path = environ.get("wsgi.url_scheme"), environ.get("PATH_INFO")
            mode = care.from_environ(environ)
            page = self.pages.get((scheme, path, mode))
            if page is None and self.timed:
                page = self.timed.get((scheme, path, environ.get("QUERY_STRING", ""), mode))
                if page is not None and page.expires_at <= time.time():
                    page = None
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
    timed = app.extensions["timed_pages"] = {}
    app.wsgi_app = app.extensions["page_cache_middleware"] = PageCacheMiddleware(app.wsgi_app, pages, app.config,
                                                                                 timed)

    @app.after_request
    def keep_rendered_page(response):
        pending = g.pop("page_to_cache", None)
        if pending and response.status_code == 200:
            store, key, page = pending
            # Browsers keep a page for CACHE_CONTROL's 5 minutes: the care-mode cookie must make them
            # ask again, or switching modes would show the other mode's copy.
            response.vary.add("Cookie")
            page.keep_headers_of(response)
            store[key] = page
        return response
