"""Phone numbers from an import, in E.164 or not a number at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.phones import national_digits, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "3125554567",
        "(312) 555-4567",
        "312-555-4567",
        "312.555.4567",
        " 312 555 4567 ",
        "1 312 555 4567",
        "1-312-555-4567",
        "+1 (312) 555-4567",
        "+13125554567",
    ],
)
def test_us_numbers_in_their_usual_forms(raw):
    assert normalize_phone(raw) == "+13125554567"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+84 90 123 4567", "+84901234567"),
        ("+52-55-1234-5678", "+525512345678"),
    ],
)
def test_a_leading_plus_keeps_its_own_country(raw, number):
    assert normalize_phone(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "n/a",
        "unknown",
        "555-4567",  # no area code
        "312 555 4567 ext 12",
        "0312 555 4567",
        "(012) 555-4567",  # an area code never starts 0 or 1
        "(312) 155-4567",  # nor does an exchange
        "+1 012 555 4567",
        "+0 123 4567",
        "+12",
        "+1234567890123456",  # 16 digits: longer than E.164 allows
        "2 312 555 4567",
        "３１２５５５４５６７",  # full-width digits: not what a phone network dials
        "++13125554567",
    ],
)
def test_what_cannot_be_a_number_is_none(raw):
    assert normalize_phone(raw) is None


def test_only_known_numbering_plans():
    assert normalize_phone("312 555 4567", "CA") == "+13125554567"
    with pytest.raises(ValueError, match="XX"):
        normalize_phone("312 555 4567", "XX")


@given(
    st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True),
    st.lists(st.sampled_from([" ", "-", ".", "(", ")"]), min_size=10, max_size=10),
)
def test_separators_anywhere_do_not_change_the_number(digits, separators):
    written = "".join(d + s for d, s in zip(digits, separators, strict=True))
    number = normalize_phone(written)
    assert number == "+1" + digits
    assert normalize_phone(number) == number  # E.164 reads as itself


@given(st.text(max_size=40))
def test_any_answer_is_e164_or_none(raw):
    number = normalize_phone(raw)
    assert number is None or (number.startswith("+") and number[1:].isdigit() and len(number) <= 16)


def test_national_digits_are_what_any_written_form_contains():
    assert national_digits("+13125554567") == "3125554567"
    assert national_digits("+442079460958") == "442079460958"
