"""The debtor's own offer: terms that may be offered or countered, the reply day, the schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.offers import (
    LATEST_START_DAYS,
    Problem,
    Terms,
    TermsRefused,
    amount_problem,
    check_terms,
    offer_schedule,
    reply_by,
    start_problem,
    working_days_after,
)
from portal.domain.schedules import MAX_PAYMENTS, Frequency

TODAY = date(2027, 1, 13)  # a Wednesday


def test_working_days_skip_weekends():
    friday = date(2027, 1, 15)
    assert working_days_after(friday, 2) == date(2027, 1, 19)  # Tuesday
    assert working_days_after(TODAY, 2) == date(2027, 1, 15)
    assert working_days_after(date(2027, 1, 16), 2) == date(2027, 1, 19)  # from a Saturday
    assert working_days_after(TODAY, 0) == TODAY
    assert reply_by(friday) == date(2027, 1, 19)


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 60))
def test_working_days_land_on_a_weekday_and_count_exactly(day, count):
    after = working_days_after(day, count)
    between = [day + timedelta(days=n) for n in range(1, (after - day).days + 1)]
    assert sum(d.weekday() < 5 for d in between) == count
    if count:
        assert after.weekday() < 5


@pytest.mark.parametrize(
    "amount, balance, problem",
    [
        (0, 10_000, Problem.AMOUNT_NOT_POSITIVE),
        (-5, 10_000, Problem.AMOUNT_NOT_POSITIVE),
        (10_000, 10_000, Problem.WHOLE_BALANCE),
        (10_001, 10_000, Problem.WHOLE_BALANCE),
        (9_999, 10_000, None),
        (1, MAX_PAYMENTS, None),
        (1, MAX_PAYMENTS + 1, Problem.TOO_MANY_PAYMENTS),
    ],
)
def test_an_amount_must_be_positive_less_than_the_balance_and_not_take_too_many_payments(
    amount, balance, problem
):
    assert amount_problem(amount, balance) is problem


def test_a_start_date_runs_from_today_to_a_year_ahead():
    assert start_problem(TODAY - timedelta(days=1), TODAY) is Problem.START_IN_PAST
    assert start_problem(TODAY, TODAY) is None
    assert start_problem(TODAY + timedelta(days=LATEST_START_DAYS), TODAY) is None
    assert start_problem(TODAY + timedelta(days=LATEST_START_DAYS + 1), TODAY) is Problem.START_TOO_LATE


def test_a_counter_offer_is_held_to_the_same_rules_amount_first():
    check_terms(Terms(2_500, Frequency.MONTHLY, TODAY), 10_000, TODAY)
    with pytest.raises(TermsRefused) as refused:
        check_terms(Terms(10_000, Frequency.MONTHLY, TODAY - timedelta(days=1)), 10_000, TODAY)
    assert refused.value.problem is Problem.WHOLE_BALANCE
    with pytest.raises(TermsRefused) as refused:
        check_terms(Terms(2_500, Frequency.WEEKLY, TODAY - timedelta(days=1)), 10_000, TODAY)
    assert refused.value.problem is Problem.START_IN_PAST


def test_an_accepted_offer_starting_in_the_past_starts_the_day_it_is_agreed():
    plan = offer_schedule(10_000, Terms(3_000, Frequency.WEEKLY, TODAY - timedelta(days=3)), TODAY)
    assert [(i.due, i.amount) for i in plan] == [
        (TODAY, 3_000),
        (TODAY + timedelta(days=7), 3_000),
        (TODAY + timedelta(days=14), 3_000),
        (TODAY + timedelta(days=21), 1_000),
    ]


@given(
    balance=st.integers(2, 5_000_000),
    amount=st.integers(1, 5_000_000),
    frequency=st.sampled_from(list(Frequency)),
    offset=st.integers(-30, LATEST_START_DAYS),
)
def test_terms_that_pass_the_checks_make_a_schedule_paying_exactly_the_balance(
    balance, amount, frequency, offset
):
    terms = Terms(amount, frequency, TODAY + timedelta(days=offset))
    try:
        check_terms(terms, balance, TODAY)
    except TermsRefused:
        assert amount >= balance or -(-balance // amount) > MAX_PAYMENTS or offset < 0
        return
    plan = offer_schedule(balance, terms, TODAY)
    assert sum(i.amount for i in plan) == balance
    assert 2 <= len(plan) <= MAX_PAYMENTS
    assert all(i.amount == amount for i in plan[:-1]) and 0 < plan[-1].amount <= amount
    assert plan[0].due == terms.start
    assert [i.due for i in plan] == sorted({i.due for i in plan})
