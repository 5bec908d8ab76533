"""Response headers that every page carries.

No inline script or style anywhere, so the policy needs no 'unsafe-inline'; frames are
refused so no other site can overlay the portal's forms.
"""

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
    # Flask's own defaults exist (HttpOnly on, SameSite None, Secure off), so setdefault would keep
    # them: set the portal's values unless a setting chose otherwise.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = True

    headers_for_every_response = SECURITY_HEADERS + ((HSTS,) if app.config["PREFERRED_URL_SCHEME"] == "https" else ())
    app.extensions["security_headers"] = headers_for_every_response  # also sent with cached pages

    @app.after_request
    def security_headers(response):
        # One extend rather than a lookup per header: this runs on every response. A view that
        # needs a different policy sets its own Content-Security-Policy and keeps it.
        if "Content-Security-Policy" not in response.headers:
            response.headers.extend(headers_for_every_response)
        return response
