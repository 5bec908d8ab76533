"""Answers carried by the visitor, signed: nothing of the health check is stored on the server.

The answers travel in each step's form and in the result link. They are signed with the app's
SECRET_KEY under a salt of their own, so a token made for another purpose (a session, a CSRF
token) is never accepted here and a changed answer is refused instead of reaching the rules.
"""

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

SALT = "portal.healthcheck.answers"
# A complete set of answers signs to a few hundred characters; anything far longer is not ours.
MAX_TOKEN = 2000


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def sign_answers(answers):
    return _serializer().dumps(answers)


def read_answers(token):
    """The answers in a token, or None when it is missing, too long, forged or damaged."""
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        answers = _serializer().loads(token)
    except BadData:
        return None
    return answers if isinstance(answers, dict) else None
