"""The staff second factor: TOTP (RFC 6238, 30-second steps, six digits; pyotp) and one-time
recovery codes. Pure functions of their inputs and the clock, so a table of cases tests them.

A code is accepted one step either side of now (phone clocks drift), and never twice: the step
it matched is stored, and only a later step is accepted next time. Recovery codes are shown
once and kept only as SHA-256 hashes (they are random, 50 bits each, so a slow hash adds nothing).
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

ISSUER = "Hengshui IP Portal"
STEP_SECONDS = 30
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper


def new_secret():
    return pyotp.random_base32()


def enrolment_uri(secret, email):
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri, title):
    """The enrolment QR code as inline SVG (no script, no external resource), with its title."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title,
                                                 svgclass="qr-code")


def matching_step(secret, code, last_step, now=None):
    """The time step `code` is valid for (one either side of now), if it is later than
    `last_step`; else None."""
    code = "".join((code or "").split())
    if not secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if step > (last_step or 0) and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes():
    """(codes to show once, their hashes to keep)."""
    codes = ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    return codes, [_hash(code) for code in codes]


def _hash(code):
    return hashlib.sha256(code.encode()).hexdigest()


def use_recovery_code(hashes, code):
    """The hashes left once `code` is used, or None when it is not one of them."""
    typed = "".join((code or "").lower().split())
    if len(typed) != 11 or not typed.isascii():
        return None
    digest = _hash(typed)
    left = [kept for kept in hashes or [] if not hmac.compare_digest(kept, digest)]
    return left if len(left) < len(hashes or []) else None
