"""Table-driven cases for the validators: GB 32100-2015 credit codes, phones, e-mail."""

import pytest

from portal.validators import (
    credit_check_character,
    is_one_line,
    mobile_e164,
    normalise_credit_code,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(("typed", "normalised"), [
    ("91110000600037341L", "91110000600037341L"),
    ("91110000600037341l", "91110000600037341L"),             # lower case
    ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),  # full width
    (" 9111 0000 6000 3734 1L ", "91110000600037341L"),       # spaces
    ("911100006000-37341L", "91110000600037341L"),            # hyphen
])
def test_valid_credit_codes(typed, normalised):
    assert normalise_credit_code(typed) == normalised


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "length"),
    ("9111000060003734", "length"),
    ("91110000600037341L0", "length"),
    ("91110000600037341X", "check"),          # wrong check character
    ("91110000600037342L", "check"),          # a changed digit
    ("91110000600O37341L", "characters"),     # O is not in the alphabet
    ("9111000060003734IL", "characters"),
    ("91110000600037341Z", "characters"),
])
def test_invalid_credit_codes(typed, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_credit_code(typed)


def test_check_character_detects_every_single_substitution():
    code = "91110000600037341L"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        for replacement in alphabet:
            if replacement != code[position]:
                changed = code[:position] + replacement + code[position + 1:17]
                assert credit_check_character(changed) != "L" or changed == code[:17]


@pytest.mark.parametrize(("typed", "normalised"), [
    ("13803181234", "13803181234"),
    ("+86 138 0318 1234", "13803181234"),
    ("0086-138-0318-1234", "13803181234"),
    ("１３８０３１８１２３４", "13803181234"),
    ("0318-2123456", "03182123456"),
    ("(0318) 21234567", "031821234567"),
    ("010-12345678", "01012345678"),
    # Abroad, in E.164 (issue 16: a foreign buyer's +44 number was refused).
    ("+44 20 7946 0000", "+442079460000"),
    ("0044 7700 900123", "+447700900123"),
    ("+1 (202) 555-0100", "+12025550100"),
    ("+852 6123 4567", "+85261234567"),
])
def test_valid_phones(typed, normalised):
    assert normalise_phone(typed) == normalised


@pytest.mark.parametrize("typed", ["", "123", "12803181234", "1380318123", "138031812345", "2123456",
                                   "phone", "13803181234x", "+0 123 4567", "+12", "+1234567890123456",
                                   "+86 128 0318 1234"])
def test_invalid_phones(typed):
    with pytest.raises(ValueError):
        normalise_phone(typed)


@pytest.mark.parametrize(("phone", "e164"), [
    ("13803181234", "+8613803181234"), ("+442079460000", "+442079460000"), ("03182123456", None), ("", None),
])
def test_which_numbers_can_take_an_sms(phone, e164):
    assert mobile_e164(phone) == e164


@pytest.mark.parametrize(("typed", "ok"), [
    ("zhang@example.com", True), ("张三@例子.中国", True), ("a@b", False), ("no-at.example.com", False),
    ("a b@example.com", False), ("a@example.c", False), ("x" * 250 + "@example.com", False),
    # Finding 6: one field, one recipient: lists, display names, comments, quoting, line breaks.
    ("postmaster,me@example.com", False), ("a@example.com,b@example.com", False),
    ("a@example.com;b@example.com", False), ("Zhang <zhang@example.com>", False), ("<zhang@example.com>", False),
    ("zhang(comment)@example.com", False), ('"a,b"@example.com', False), ("a@[127.0.0.1]", False),
    ("a@example.com\r\nBcc: b@example.com", False), ("a@exam\u2028ple.com", False), ("a..b@example.com", False),
    ("first.last+tag@example.com", True), ("o'brien@example.ie", True),
])
def test_email(typed, ok):
    if ok:
        assert normalise_email(typed) == typed
    else:
        with pytest.raises(ValueError):
            normalise_email(typed)


@pytest.mark.parametrize(("text", "ok"), [
    ("衡水示例公司", True), ("", True), ("tab\tinside", True), ("a\nb", False), ("a\rb", False), ("a\r\n", False),
    ("a\u2028b", False), ("a\u2029b", False), ("a\x85b", False), ("a\x0bb", False),
])
def test_one_line(text, ok):
    assert is_one_line(text) is ok
