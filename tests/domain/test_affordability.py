"""What is left each month, per payment at each frequency, and the plan within policy that fits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.domain.affordability import (
    OUTGOINGS,
    PAYMENTS_PER_YEAR,
    Budget,
    per_payment,
    round_down,
    suggest_plan,
)
from portal.domain.policy import OutsidePolicy, Policy, build_plan, validate
from portal.domain.schedules import Frequency

TODAY = date(2027, 1, 31)

amounts = st.integers(min_value=0, max_value=10**9)
outgoings = st.fixed_dictionaries({}, optional={name: amounts for name in OUTGOINGS})
frequencies = st.sampled_from(list(Frequency))
policies = st.builds(
    Policy,
    instalment_minimum=st.integers(0, 20000),
    max_instalments=st.integers(2, 60),
    small_final_payment=st.booleans(),
    max_duration_days=st.integers(60, 2000),
    frequencies=st.sets(frequencies, min_size=1).map(tuple),
).filter(lambda p: validate(p) == [])


# --- Left each month -----------------------------------------------------------------------------


@given(amounts, outgoings)
def test_left_each_month_is_income_less_every_outgoing(income, spent):
    budget = Budget(income, spent)
    assert budget.spent == sum(spent.values())
    assert budget.left == income - sum(spent.values())
    assert isinstance(budget.left, int)


def test_left_each_month_in_plain_numbers():
    budget = Budget(250000, {"housing": 90000, "bills": 25000, "food": 40000, "other_debts": 15050})
    assert budget.spent == 170050
    assert budget.left == 79950
    assert Budget(100000, {"housing": 120000}).left == -20000


@pytest.mark.parametrize("bad", [{"rent": 100}, {"food": -1}])
def test_unknown_or_negative_outgoings_are_refused(bad):
    with pytest.raises(ValueError):
        Budget(1000, bad)


# --- Per payment ---------------------------------------------------------------------------------


@given(amounts, frequencies)
def test_per_payment_never_overstates_a_year_and_loses_less_than_one_unit_a_payment(monthly, frequency):
    payments = PAYMENTS_PER_YEAR[frequency]
    each = per_payment(monthly, frequency)
    assert each * payments <= monthly * 12
    assert (each + 1) * payments > monthly * 12


@given(st.integers(max_value=0), frequencies)
def test_nothing_left_means_nothing_per_payment(monthly, frequency):
    assert per_payment(monthly, frequency) == 0


def test_per_payment_examples():
    assert per_payment(52000, Frequency.WEEKLY) == 12000  # 520.00 a month is 120.00 a week
    assert per_payment(52000, Frequency.EVERY_TWO_WEEKS) == 24000
    assert per_payment(52000, Frequency.MONTHLY) == 52000
    assert per_payment(10001, Frequency.WEEKLY) == 2307  # 2,307.92 rounded down


@given(st.integers(-(10**6), 10**9), st.integers(1, 10**4))
def test_round_down_is_a_whole_number_of_units_at_most_the_amount(amount, unit):
    rounded = round_down(amount, unit)
    assert rounded % unit == 0
    assert 0 <= rounded <= max(amount, 0)
    assert max(amount, 0) - rounded < unit


# --- The plan that fits --------------------------------------------------------------------------


def _fits(plan, budget):
    return max(p.amount for p in plan) <= budget


def _by_count(policy, balance, frequency, first, count):
    try:
        return build_plan(policy, balance, TODAY, frequency=frequency, first_date=first, count=count)
    except (OutsidePolicy, ValueError):
        return None


@settings(max_examples=300, deadline=None)
@given(
    policy=policies,
    balance=st.integers(1, 5_000_000),
    budget=st.integers(1, 2_000_000),
    frequency=frequencies,
    offset=st.integers(0, 30),
    unit=st.sampled_from([1, 100]),
)
def test_a_suggestion_is_within_policy_fits_the_budget_and_has_the_fewest_payments(
    policy, balance, budget, frequency, offset, unit
):
    first = TODAY + timedelta(days=offset)
    found = suggest_plan(
        policy, balance, TODAY, frequency=frequency, first_date=first, budget=budget, unit=unit
    )
    smallest_count = next(
        (
            n
            for n in range(1, policy.max_instalments + 1)
            if (plan := _by_count(policy, balance, frequency, first, n)) and _fits(plan, budget)
        ),
        None,
    )
    if found is None:
        assert smallest_count is None, "a plan by number of payments fits, but none was suggested"
        return
    schedule = list(found.schedule)
    assert sum(p.amount for p in schedule) == balance
    assert _fits(schedule, budget)
    assert (found.count is None) != (found.amount is None)
    # Exactly what the builder would make of the same choice under the same policy.
    again = build_plan(
        policy, balance, TODAY, frequency=frequency, first_date=first, count=found.count, amount=found.amount
    )
    assert again == schedule
    if found.amount is not None:
        assert found.amount % unit == 0 or found.amount == balance
    if smallest_count is not None:
        assert len(schedule) <= smallest_count


@settings(max_examples=200, deadline=None)
@given(
    balance=st.integers(1, 2_000_000),
    budget=st.integers(1, 1_000_000),
    more=st.integers(0, 1_000_000),
    frequency=frequencies,
)
def test_more_to_spare_never_means_more_payments(balance, budget, more, frequency):
    policy = Policy(instalment_minimum=100, max_instalments=48)
    smaller = suggest_plan(policy, balance, TODAY, frequency=frequency, first_date=TODAY, budget=budget)
    larger = suggest_plan(policy, balance, TODAY, frequency=frequency, first_date=TODAY, budget=budget + more)
    assume(smaller is not None)
    assert larger is not None
    assert len(larger.schedule) <= len(smaller.schedule)


@given(balance=st.integers(1, 10**7), budget=st.integers(max_value=0), frequency=frequencies)
def test_nothing_to_spare_suggests_nothing(balance, budget, frequency):
    assert (
        suggest_plan(Policy(), balance, TODAY, frequency=frequency, first_date=TODAY, budget=budget) is None
    )


def test_equal_payments_win_a_tie():
    # 1,060.25 with 400.00 a month to spare: three payments either way; equal ones are kinder.
    found = suggest_plan(
        Policy(), 106025, TODAY, frequency=Frequency.MONTHLY, first_date=TODAY, budget=40000, unit=100
    )
    assert found.count == 3
    assert [p.amount for p in found.schedule] == [35341, 35341, 35343]


def test_a_tie_in_whole_units_and_a_policy_too_short_for_the_budget():
    # 1,000.00 with 90.50 a week to spare: 90.00 a week is 12 payments; equal payments need 12 too
    # (83.33), so equal ones win. With 99.99 to spare either kind needs 11 payments.
    found = suggest_plan(
        Policy(), 100000, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, budget=9050, unit=100
    )
    assert found.count == 12 and found.largest_payment <= 9050
    found = suggest_plan(
        Policy(max_instalments=10), 100000, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, budget=9999
    )
    assert found is None  # 11 payments is over this policy's 10


def test_nothing_fits_below_the_policy_minimum_or_outside_its_frequencies():
    policy = Policy(instalment_minimum=5000, frequencies=(Frequency.MONTHLY,))
    assert (
        suggest_plan(policy, 100000, TODAY, frequency=Frequency.MONTHLY, first_date=TODAY, budget=4999)
        is None
    )
    assert (
        suggest_plan(policy, 100000, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, budget=90000)
        is None
    )
    assert (
        suggest_plan(
            policy,
            100000,
            TODAY,
            frequency=Frequency.MONTHLY,
            first_date=TODAY + timedelta(days=31),
            budget=90000,
        )
        is None
    ), "a start later than the policy allows is not within policy"


def test_payments_by_amount_win_when_they_mean_fewer_payments():
    # 100.03 with 25.01 a payment to spare. Four equal payments are 25.00 + a last of 25.03: over.
    # Five are 20.00, under this policy's 25.00 minimum. 25.01 each is 3 x 25.01 + 25.00: fits.
    found = suggest_plan(Policy(), 10003, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, budget=2501)
    assert (found.count, found.amount) == (None, 2501)
    assert [p.amount for p in found.schedule] == [2501, 2501, 2501, 2500]
    # With whole dollars only, 25.00 a payment leaves a last payment of 0.03, which this policy
    # allows: five payments, and equal payments of 20.03... are below the minimum: by amount.
    found = suggest_plan(
        Policy(), 10003, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, budget=2501, unit=100
    )
    assert (found.count, found.amount) == (None, 2500)
    assert [p.amount for p in found.schedule] == [2500, 2500, 2500, 2500, 3]
