"""Validators for what people type, as pure functions: normalise first, then check.

Each returns the normalised value or raises ValueError with the reason; the form layer turns
that into a message in the user's language.
"""

import re
import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

# GB 32100-2015 (法人和其他组织统一社会信用代码编码规则): 18 characters from this alphabet
# (digits and capitals without I, O, Z, S, V); the last is a check character computed modulo 31
# with these weights over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Mainland landlines: area code (010, 0318, …) then 7 or 8 digits; an extension may follow.
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(?:\d{1,6})?$")
# ITU-T E.164: '+', a country code that does not start with 0, at most 15 digits in all.
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def _fold(text):
    """Full-width letters, digits and spaces to ASCII (people type them on Chinese keyboards)."""
    return unicodedata.normalize("NFKC", text or "").strip()


def credit_check_character(first17):
    values = (CREDIT_CODE_ALPHABET.index(ch) for ch in first17)
    total = sum(value * weight for value, weight in zip(values, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(text):
    code = re.sub(r"[\s-]", "", _fold(text)).upper()
    if len(code) != 18:
        raise ValueError("length")
    if any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        raise ValueError("characters")
    if credit_check_character(code[:17]) != code[17]:
        raise ValueError("check")
    return code


def normalise_phone(text):
    """A mainland mobile (+86 and separators removed), a landline with its area code, or a number
    abroad in E.164 (`+44 20 7946 0000` → `+442079460000`; `00` taken for `+`)."""
    digits = re.sub(r"[\s\-()（）.]", "", _fold(text))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+86"):
        digits = digits[3:]
    if MOBILE.match(digits) or LANDLINE.match(digits) or E164.match(digits):
        return digits
    raise ValueError("phone")


def mobile_e164(phone):
    """The E.164 form of a normalised phone number that can take an SMS, or None (a landline).
    A number abroad is taken as given: only the provider knows whether it is a mobile."""
    if MOBILE.match(phone or ""):
        return "+86" + phone
    if E164.match(phone or ""):
        return phone
    return None


def normalise_email(text):
    """Exactly one plain address (local@domain.tld). The standard library's RFC 5322 parser reads
    it, and only what it reads back unchanged is accepted: a list ("postmaster,me@x"), a display
    name, a comment, a quoted local part or a domain literal would let one field name several
    recipients or hide where mail goes."""
    address = _fold(text)
    if len(address) > 254 or not EMAIL.match(address) or not is_one_line(address):
        raise ValueError("email")
    # The parser knows ASCII only; a Chinese letter (SMTPUTF8, IDN) stands in as "x", which keeps
    # the structure it must judge: no non-ASCII character is a separator or a special.
    structure = "".join(ch if ch.isascii() else "x" for ch in address)
    try:
        parsed = Address(addr_spec=structure)
    except (ValueError, IndexError, HeaderParseError):
        raise ValueError("email") from None
    if parsed.addr_spec != structure or structure.startswith('"') or parsed.domain.startswith("["):
        raise ValueError("email")
    return address


# Line breaks of every kind: a one-line field (a name, an organisation, a subject) with one would
# add lines to the e-mails and headers it is written into.
LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def is_one_line(text):
    return not text or LINE_BREAK.search(text) is None


# Control characters other than tab and line breaks, the replacement character (what invalid
# UTF-8 decodes to) and lone surrogates: no browser form sends them, and PostgreSQL refuses NUL
# in text outright. Emoji and other astral-plane characters are fine.
UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff]")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def has_unreadable_characters(text):
    return bool(text) and UNREADABLE.search(text) is not None


def is_token(text):
    """A form or status token as the portal makes them (secrets.token_urlsafe)."""
    return bool(text) and TOKEN.match(text) is not None
