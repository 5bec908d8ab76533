"""Whole numbers read from untrusted text."""

import pytest

from portal.params import whole_number


@pytest.mark.parametrize(("text", "expected"), [
    ("7", 7), ("007", 7), ("0", 0), ("99999", 99999),
    ("²", None), ("٣", None), ("-1", None), ("1.5", None), (" 1", None), ("", None), (None, None),
    ("1" * 19, None), ("100000", None),
])
def test_whole_number(text, expected):
    assert whole_number(text, 0, 99999) == expected


def test_bounds():
    assert whole_number("0", 1) is None and whole_number("5", 1, 4) is None and whole_number("4", 1, 4) == 4
