"""No secret in any log: the token-bearing parts of addresses are redacted before a line is written.

Status links, password (invitation, reset) links and alert confirm/unsubscribe links carry their
secret as a path segment; the health check's answers and search terms travel in query strings.
Every log line the portal writes (gunicorn's access and error logs through RedactingLogger, the
app's own through the filter create_app installs) passes through redact(), so a link that still
works can never be read back from a log file. Imports nothing of the portal: gunicorn loads it
before the app.
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# /<lang>/requests/status/<token>, /<lang>/staff/password/<purpose>/<token>,
# /<lang>/alerts/confirm|unsubscribe/<token>, /<lang>/events/registration/<token>: the segment
# after these is the secret.
SECRET_SEGMENT = re.compile(r"(/[A-Za-z-]{2,8}/"
                            r"(?:requests/status|staff/password/[a-z]+|alerts/(?:confirm|unsubscribe)"
                            r"|events/registration)/)"
                            r"[^/?#\s\"'<>]+")
# Any query string: answers (a=), tracking numbers, search terms, next= addresses.
QUERY = re.compile(r"\?[^\s\"'<>#]*")


def redact(text):
    """`text` with every token-bearing path segment and every query string replaced."""
    if not text:
        return text
    return QUERY.sub("?" + REDACTED, SECRET_SEGMENT.sub(r"\1" + REDACTED, text))


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback) through redact() before any handler writes it."""

    def filter(self, record):
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger=None):
    """Put the filter on every handler of `logger` (the root logger by default), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class RedactingLogger(Logger):
    """gunicorn's logger with every address redacted: the access log's path, request line and
    referrer, and whatever the error log says about a bad request line."""

    def setup(self, cfg):
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        atoms["q"] = REDACTED if atoms.get("q") else ""
        return atoms
