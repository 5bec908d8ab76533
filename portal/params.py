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
