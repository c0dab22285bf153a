"""The identity question: date of birth or postal code, compared forgivingly but exactly."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.identity import (
    ACCOUNT_MAX_FAILURES,
    ACCOUNT_WINDOW_HOURS,
    LOCK_MINUTES,
    MAX_FAILURES,
    date_of_birth_matches,
    normalise_postal_code,
    postal_code_matches,
    should_lock,
    should_lock_account,
)


def test_same_date_of_birth_matches():
    assert date_of_birth_matches(date(1980, 3, 27), date(1980, 3, 27))


@pytest.mark.parametrize("given", [date(1980, 3, 28), date(1980, 4, 27), date(1981, 3, 27)])
def test_different_date_of_birth_does_not_match(given):
    assert not date_of_birth_matches(given, date(1980, 3, 27))


def test_day_and_month_swapped_does_not_match():
    assert not date_of_birth_matches(date(1980, 3, 4), date(1980, 4, 3))


@pytest.mark.parametrize(
    ("given", "on_record"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("SW1A1AA", "sw1a 1aa"),
        ("  sw1a-1aa ", "SW1A 1AA"),
        ("K1A 0B1", "k1a0b1"),
        ("62701", "62701"),
        ("62701-1234", "62701"),
        ("627011234", "62701"),
        ("62701", "62701-1234"),
        ("62701 1234", "62701-1234"),
    ],
)
def test_postal_codes_match_ignoring_case_spaces_dashes_and_zip4(given, on_record):
    assert postal_code_matches(given, on_record)


@pytest.mark.parametrize(
    ("given", "on_record"),
    [
        ("62702", "62701"),
        ("6270", "62701"),
        ("627", "62701"),
        ("62701-12", "62701"),
        ("SW1A 1AB", "SW1A 1AA"),
        ("SW1A", "SW1A 1AA"),
        ("", "62701"),
        ("   ", "62701"),
        ("62701", ""),
        ("", ""),
    ],
)
def test_different_or_partial_postal_codes_do_not_match(given, on_record):
    assert not postal_code_matches(given, on_record)


@pytest.mark.parametrize(
    ("given", "on_record"),
    [
        ("11000", "110001"),  # a six-digit code (India, China, Singapore...) is not a US ZIP
        ("56010", "560102"),
        ("62701", "6270199"),
        ("627019", "62701"),
    ],
)
def test_only_us_zip_codes_are_shortened_to_five_digits(given, on_record):
    """ZIP+4 may be answered as 5 digits; a prefix of another country's code is wrong."""
    assert not postal_code_matches(given, on_record)


def test_normalise_postal_code_drops_case_spaces_and_dashes():
    assert normalise_postal_code(" sw1a-1aa ") == "SW1A1AA"
    assert normalise_postal_code(None) == ""


def test_lock_after_five_wrong_answers_for_fifteen_minutes():
    assert MAX_FAILURES == 5
    assert LOCK_MINUTES == 15
    assert [should_lock(n) for n in range(7)] == [False, False, False, False, False, True, True]


@pytest.mark.parametrize(
    ("given", "on_record", "matches"),
    [
        ("６２７０１", "62701", True),  # full-width digits, as an East Asian keyboard types them
        ("６２７０１－１２３４", "62701", True),
        ("é", "62701", False),
        ("H3Z 2Y7", "h3z2y7", True),
        ("ÉCOLE", "école", True),
        ("é", "é", True),
    ],
)
def test_postal_codes_with_non_ascii_characters_are_compared_without_error(given, on_record, matches):
    assert postal_code_matches(given, on_record) is matches


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_two_postal_codes_compare_without_error(given, on_record):
    assert postal_code_matches(given, on_record) in (True, False)


def test_the_account_is_locked_after_ten_wrong_answers_in_a_day():
    assert ACCOUNT_MAX_FAILURES == 10
    assert ACCOUNT_WINDOW_HOURS == 24
    assert [should_lock_account(n) for n in (0, 9, 10, 11)] == [False, False, True, True]
