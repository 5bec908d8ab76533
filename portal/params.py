"""Whole numbers from untrusted text (query strings, form fields, session values).

str.isdigit() also accepts characters such as "²" that int() refuses, so checking with it and
then converting is a 500 waiting to happen: read numbers through here instead.
"""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text, low=0, high=10**18):
    """The int that `text` spells in ASCII digits, if it lies in [low, high]; otherwise None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def numbers_by_key(text, defaults, known, low, high, setting):
    """"a=1, b=2" over `defaults` ({key: number}); ValueError naming `setting` for an unknown key
    (not in `known`) or a number outside [low, high]. A part without "=" sets "default"."""
    values = dict(defaults)
    for part in filter(None, (p.strip() for p in str(text or "").split(","))):
        key, _, value = part.rpartition("=")
        key = key.strip() or "default"
        if key not in known:
            raise ValueError(f"{setting}: unknown key {key!r}; known: {', '.join(sorted(known))}")
        number = whole_number(value.strip(), low, high)
        if number is None:
            raise ValueError(f"{setting}: {part!r} must be key=a whole number from {low} to {high}")
        values[key] = number
    return values
