"""Rendered content pages served from memory, in front of Flask.

Content is immutable for the life of a process, so a content page's HTML never changes
once rendered. The first request for a page goes through Flask as usual (routing, 404s,
the view); a view decorated with @rendered_once stores the result under its path. Later
GET/HEAD requests for that path are answered by PageCacheMiddleware from the stored bytes
and headers without entering Flask at all, which is what lets a guide page be served
nearly as fast as a bare "hello". Only paths a view accepted are stored, so the cache is
bounded by the number of pages.
"""

import hashlib
from functools import wraps

from flask import Response, current_app, request

CACHE_CONTROL = "public, max-age=300"


class CachedPage:
    def __init__(self, html, extra_headers):
        self.body = html.encode("utf-8")
        # The same ETag from every worker, so a conditional request works behind any of them.
        self.etag = hashlib.sha256(self.body).hexdigest()[:20]
        self.headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{self.etag}"'),
                        ("Cache-Control", CACHE_CONTROL), *extra_headers]
        self.full_headers = [*self.headers, ("Content-Length", str(len(self.body)))]

    def not_modified(self, if_none_match):
        return bool(if_none_match) and (if_none_match.strip() == "*" or f'"{self.etag}"' in if_none_match)

    def flask_response(self):
        if self.not_modified(request.headers.get("If-None-Match")):
            return Response(status=304, headers=self.headers[1:])
        return Response(self.body, headers=self.headers)


def rendered_once(view):
    """Render the view once per path; serve it from the page cache afterwards."""

    @wraps(view)
    def wrapper(**kwargs):
        pages = current_app.extensions["page_cache"]
        page = pages.get(request.path)
        if page is None:
            page = CachedPage(view(**kwargs), current_app.extensions["security_headers"])
            pages[request.path] = page
        return page.flask_response()

    return wrapper


class PageCacheMiddleware:
    def __init__(self, wsgi_app, pages):
        self.wsgi_app = wsgi_app
        self.pages = pages

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        page = self.pages.get(environ.get("PATH_INFO")) if method in ("GET", "HEAD") else None
        if page is None:
            return self.wsgi_app(environ, start_response)
        if page.not_modified(environ.get("HTTP_IF_NONE_MATCH")):
            start_response("304 Not Modified", page.headers[1:])
            return []
        start_response("200 OK", page.full_headers)
        return [] if method == "HEAD" else [page.body]


def init_app(app):
    app.extensions["page_cache"] = {}
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, app.extensions["page_cache"])
