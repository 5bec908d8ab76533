"""Passwords and the one-time links that set them.

Hashes: Werkzeug's scrypt. Policy: at least 12 characters (NIST SP 800-63B's advice: length, a
list of known passwords, no composition rules), not on the list of the 30,000 most common
passwords (also when digits or symbols are only added at the end), not a repeated letter, not the
account's own e-mail name.

Invitation and reset links carry a signed token (itsdangerous, with the app's SECRET_KEY) naming
the user and a fingerprint of the account's current password hash and session version. Setting a
password changes both, so each link works once; it also expires (7 days for an invitation,
1 hour for a reset).
"""

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH, MAX_LENGTH = 12, 128
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
TOKEN_AGES = {"invite": 7 * 24 * 3600, "reset": 3600}
# Compared against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-but-the-same-work")


@lru_cache(maxsize=1)
def common_passwords():
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def problems(password, email=""):
    """Why `password` is refused (translatable messages), or an empty list."""
    if len(password) < MIN_LENGTH:
        return [_l("Use at least %(n)s characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l("Use at most %(n)s characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    base = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or (len(base) >= 4 and base in common_passwords()):
        return [_l("This password is on a list of common passwords. Choose another one, for example four "
                   "unrelated words.")]
    if len(set(lowered)) <= 2 or lowered in (lowered + lowered)[1:-1]:  # "aaaa…", "abcabc…", "wordword"
        return [_l("Do not repeat the same characters. Choose another password.")]
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return [_l("Do not use your e-mail address in your password.")]
    return []


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def verify(password_hash, password):
    """True when the password matches; does the same work when there is no hash to check."""
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def _fingerprint(user):
    # A link stops working when the password, the session version (sign-out everywhere, a role
    # change) or the e-mail address it was sent to changes.
    material = f"{user.password_hash or ''}|{user.session_version}|{(user.email or '').lower()}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"staff-password-{purpose}")


def make_token(user, purpose):
    return _serializer(purpose).dumps([user.id, _fingerprint(user)])


def user_for_token(token, purpose, load_user):
    """The user a valid, unused, unexpired token names, else None. `load_user(id)` fetches it."""
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=TOKEN_AGES[purpose])
    except (BadSignature, ValueError, TypeError):
        return None
    user = load_user(user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or fingerprint != _fingerprint(user):
        return None
    return user
