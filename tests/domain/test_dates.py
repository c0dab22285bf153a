"""Reading typed dates: whatever is typed, a date or a named problem, never an exception."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from portal.domain.dates import DateProblem, parse_day_month_year


def test_a_plain_date_is_read():
    assert parse_day_month_year(" 27 ", "3", "1980") == date(1980, 3, 27)


def test_full_width_digits_are_read_as_plain_ones():
    assert parse_day_month_year("２７", "３", "１９８０") == date(1980, 3, 27)


def test_a_day_of_thirty_ones_is_not_a_real_date():
    assert parse_day_month_year("1" * 30, "3", "1980") is DateProblem.NOT_REAL
    assert parse_day_month_year("1", "1" * 30, "1980") is DateProblem.NOT_REAL


def test_full_width_digits_read_as_the_digits_they_show_but_superscripts_are_not_numbers():
    assert parse_day_month_year("２", "3", "１９８０") == date(1980, 3, 2)
    assert parse_day_month_year("²", "3", "1980") is DateProblem.NOT_NUMBERS
    assert parse_day_month_year("2", "3", "198⁰") is DateProblem.NOT_NUMBERS


def test_digits_that_int_refuses_or_of_other_scripts_are_not_numbers():
    # U+19DA is a digit to str.isdigit() that int() refuses; Bengali digits int() would read.
    assert parse_day_month_year("\u19da", "3", "1980") is DateProblem.NOT_NUMBERS
    assert parse_day_month_year("১", "3", "1980") is DateProblem.NOT_NUMBERS
    assert parse_day_month_year("-1", "3", "1980") is DateProblem.NOT_NUMBERS


def test_missing_and_incomplete_are_told_apart():
    assert parse_day_month_year("", " ", None) is DateProblem.MISSING
    assert parse_day_month_year("1", "", "1980") is DateProblem.INCOMPLETE


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_any_text_gives_a_date_or_a_problem(day, month, year):
    assert isinstance(parse_day_month_year(day, month, year), date | DateProblem)
