"""Static files with cache-busting: every url_for('static') carries a hash of the file's bytes.

A URL whose hash matches is immutable and cached for a year; anything else (an old hash, no
hash) is cached briefly, so a new release is seen at once without renaming files.

The app's class lives here too: besides the static files' lifetimes, it remembers the addresses
url_for builds (a page builds fifty-odd, nearly all the same on every page).
"""

import hashlib
from pathlib import Path

from flask import Flask, has_request_context, request
from flask.globals import request_ctx

YEAR = 365 * 24 * 3600
SHORT = 300


# Enough for every link of every page in both languages; a page whose links carry the visitor's
# input (the "report a problem" link names the page) only makes the memory start again when full.
URL_CACHE_SIZE = 4096


class PortalFlask(Flask):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url_for(self, endpoint, /, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        """Flask's url_for, remembered per request address (script root, host, scheme) for plain
        in-request calls: the URL map and the url_defaults (language, fingerprint) never change
        while the app runs, and the defaults are applied first, so the key holds everything the
        address is made of. Anything else (anchors, external or outside a request, relative
        endpoints, values other than str and int) is built by Flask each time."""
        plain = _anchor is None and _method is None and _scheme is None and _external is None
        if not plain or endpoint[:1] == "." or not has_request_context():
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        self.inject_url_defaults(endpoint, values)  # idempotent: Flask's own call adds nothing more
        if any(type(value) not in (str, int) for value in values.values()):
            return super().url_for(endpoint, **values)
        adapter = request_ctx.url_adapter
        if adapter is None:  # a Host the app refused: Flask says why
            return super().url_for(endpoint, **values)
        key = (endpoint, adapter.script_name, adapter.server_name, adapter.subdomain, adapter.url_scheme,
               *sorted(values.items()))
        url = self._urls.get(key)
        if url is None:
            url = super().url_for(endpoint, **values)
            if len(self._urls) >= URL_CACHE_SIZE:
                self._urls.clear()
            self._urls[key] = url
        return url

    def get_send_file_max_age(self, filename):
        fingerprints = self.extensions.get("asset_fingerprints", {})
        if filename and request.args.get("v") and request.args.get("v") == fingerprints.get(filename):
            return YEAR
        return SHORT


def fingerprints(static_dir):
    result = {}
    for path in Path(static_dir).rglob("*"):
        if path.is_file():
            result[path.relative_to(static_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return result


def init_app(app):
    app.extensions["asset_fingerprints"] = fingerprints(app.static_folder)

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = app.extensions["asset_fingerprints"].get(values.get("filename"))
            if version:
                values["v"] = version
