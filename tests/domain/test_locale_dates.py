"""Dates the way each reader writes them: the boxes' order and a hint's example inside its range."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.dates import parse_day_month_year
from portal.domain.locale_dates import (
    DAY_FIRST,
    MONTH_FIRST,
    YEAR_FIRST,
    date_numbers,
    date_order,
    example_date,
)


@pytest.mark.parametrize(
    ("locale", "order"),
    [
        ("en_US", MONTH_FIRST),
        ("es_US", MONTH_FIRST),  # the CLDR says day first; US readers and US forms do not
        ("en", MONTH_FIRST),  # the console's plain English is the CLDR's US English
        ("en_GB", DAY_FIRST),
        ("en_AU", DAY_FIRST),
        ("es", DAY_FIRST),
        ("vi", DAY_FIRST),
        ("zh_Hant", YEAR_FIRST),
        ("not a locale", DAY_FIRST),
    ],
)
def test_the_boxes_stand_in_the_order_the_reader_writes_dates(locale, order):
    assert date_order(locale) == order


def test_the_example_is_a_week_or_so_after_the_first_day_with_a_day_no_month_can_be():
    # Today's bug: "up to January 3, 2027. For example, 15 4 2027".
    example = example_date(date(2026, 12, 6), date(2027, 1, 3))
    assert example == date(2026, 12, 13)
    assert date_numbers(example, MONTH_FIRST) == "12 13 2026"
    assert date_numbers(example, DAY_FIRST) == "13 12 2026"
    assert date_numbers(example, YEAR_FIRST) == "2026 12 13"


def test_a_short_range_still_gets_an_example_inside_it():
    assert example_date(date(2027, 1, 13), date(2027, 1, 14)) == date(2027, 1, 13)
    assert example_date(date(2027, 1, 1), date(2027, 1, 10)) == date(2027, 1, 8)
    assert example_date(date(2027, 1, 25), date(2027, 2, 3)) == date(2027, 1, 25)
    assert example_date(date(2027, 1, 5), date(2027, 1, 5)) == date(2027, 1, 5)


def test_a_range_that_ends_before_it_starts_is_a_mistake():
    with pytest.raises(ValueError):
        example_date(date(2027, 1, 5), date(2027, 1, 4))


@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    days=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_every_example_lies_inside_its_range_and_soon_after_its_start(first, days):
    last = None if days is None else first + timedelta(days=days)
    example = example_date(first, last)
    assert first <= example
    assert last is None or example <= last
    assert example - first <= timedelta(days=60)
    if last is not None and (last - first).days >= 31:
        assert example.day >= 13  # a month or more always holds a day no month number can be


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["en_US", "es_US", "en_GB", "es", "vi", "zh_Hant"]),
)
def test_an_example_typed_into_the_boxes_in_its_order_is_read_back_as_its_date(value, locale):
    order = date_order(locale)
    typed = dict(zip(order, date_numbers(value, order).split(), strict=True))
    assert parse_day_month_year(typed["day"], typed["month"], typed["year"]) == value
