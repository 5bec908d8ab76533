"""Response headers that every page carries.

No inline script or style anywhere, so the policy needs no 'unsafe-inline'; frames are
refused so no other site can overlay the portal's forms. Only the methods a route names are
accepted: TRACE and anything odd get the 405 page (Werkzeug's routing), never a 500.
"""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def init_app(app):
    # Flask's defaults already hold these keys (SameSite None, Secure False), so setdefault
    # would change nothing: set them outright.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE")) \
        or app.config["PREFERRED_URL_SCHEME"] == "https"
    if app.config.get("PROXY_HOPS"):
        # Behind N proxies, the client address (rate limits) and scheme (HSTS, secure cookies)
        # come from their X-Forwarded-* headers; without proxies those headers are ignored.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)

    headers_for_every_response = SECURITY_HEADERS + ((HSTS,) if app.config["PREFERRED_URL_SCHEME"] == "https" else ())

    @app.after_request
    def security_headers(response):
        # One extend rather than a lookup per header: this runs on every response. A view that
        # needs a different policy sets its own Content-Security-Policy and keeps it.
        if "Content-Security-Policy" not in response.headers:
            response.headers.extend(headers_for_every_response)
        if request.is_secure and HSTS[0] not in response.headers:  # TLS ended at a trusted proxy
            response.headers[HSTS[0]] = HSTS[1]
        return response
