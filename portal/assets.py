"""Static files with cache-busting: every url_for('static') carries a hash of the file's bytes.

A URL whose hash matches is immutable and cached for a year; anything else (an old hash, no
hash) is cached briefly, so a new release is seen at once without renaming files.
"""

import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600
SHORT = 300


class PortalFlask(Flask):
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
