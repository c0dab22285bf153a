"""Instalment arithmetic and dates, with property-based tests."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.schedules import (
    MAX_PAYMENTS,
    Frequency,
    add_months,
    due_dates,
    schedule,
    split_by_amount,
    split_by_count,
)

TOTALS = st.integers(min_value=1, max_value=10**9)
COUNTS = st.integers(min_value=1, max_value=60)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def test_monthly_keeps_the_day_and_clamps_to_the_month_end():
    assert due_dates(date(2027, 1, 31), Frequency.MONTHLY, 4) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


def test_weekly_and_every_two_weeks():
    assert due_dates(date(2027, 1, 1), Frequency.WEEKLY, 3) == [
        date(2027, 1, 1),
        date(2027, 1, 8),
        date(2027, 1, 15),
    ]
    assert due_dates(date(2027, 1, 1), Frequency.EVERY_TWO_WEEKS, 2) == [date(2027, 1, 1), date(2027, 1, 15)]


def test_remainder_goes_on_the_last_payment():
    assert split_by_count(1000, 3) == [333, 333, 334]
    assert split_by_amount(1000, 300) == [300, 300, 300, 100]
    # A remainder smaller than allowed is folded into the payment before it.
    assert split_by_amount(1000, 300, smallest_last=200) == [300, 300, 400]


@pytest.mark.parametrize("bad", [(0, 1), (-5, 2), (10, 0)])
def test_split_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        split_by_count(*bad)


@given(total=TOTALS, count=COUNTS)
def test_split_by_count_sums_exactly(total, count):
    if total // count == 0:
        with pytest.raises(ValueError):
            split_by_count(total, count)
        return
    amounts = split_by_count(total, count)
    assert sum(amounts) == total
    assert len(amounts) == count
    assert len(set(amounts[:-1])) <= 1
    assert amounts[-1] >= amounts[0]
    assert amounts[-1] - amounts[0] < count


@given(total=TOTALS, amount=st.integers(min_value=1, max_value=10**9), smallest=st.integers(1, 10**6))
def test_split_by_amount_sums_exactly_and_respects_the_smallest_last(total, amount, smallest):
    if total // amount > MAX_PAYMENTS:
        with pytest.raises(ValueError):
            split_by_amount(total, amount, smallest)
        return
    amounts = split_by_amount(total, amount, smallest)
    assert sum(amounts) == total
    assert all(a == amount for a in amounts[:-2])
    if len(amounts) > 1 and amounts[-1] < amount:
        assert amounts[-1] >= smallest


@given(first=DATES, count=COUNTS, frequency=st.sampled_from(list(Frequency)))
def test_dates_strictly_increase_and_monthly_keeps_the_day(first, count, frequency):
    dates = due_dates(first, frequency, count)
    assert dates[0] == first and len(dates) == count
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
    if frequency is Frequency.MONTHLY:
        for d in dates:
            assert d.day == min(first.day, _month_length(d))


@given(first=DATES, total=TOTALS, count=COUNTS, frequency=st.sampled_from(list(Frequency)))
def test_schedule_pairs_every_amount_with_a_date(first, total, count, frequency):
    if total // count == 0:
        return
    plan = schedule(first, frequency, split_by_count(total, count))
    assert [p.number for p in plan] == list(range(1, count + 1))
    assert sum(p.amount for p in plan) == total


def _month_length(d: date) -> int:
    import calendar

    return calendar.monthrange(d.year, d.month)[1]
