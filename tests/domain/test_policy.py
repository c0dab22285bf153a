"""Creditor policy: validation, settlement offers, part payments and plans within limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.policy import (
    OutsidePolicy,
    Policy,
    build_plan,
    check_against_balance,
    check_part_payment,
    settlement_offer,
    validate,
)
from portal.domain.schedules import Frequency

TODAY = date(2027, 1, 31)


def test_default_policy_is_valid_and_round_trips():
    policy = Policy()
    assert validate(policy) == []
    assert Policy.from_dict(policy.to_dict()) == policy


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"settlement_max_discount_pct": 101}, "between 0 and 100"),
        ({"part_minimum": -1}, "cannot be negative"),
        ({"frequencies": ()}, "at least one frequency"),
        ({"max_instalments": 1}, "at least 2"),
        ({"retry_days": (7, 3)}, "increasing"),
        ({"misses_before_broken": 0}, "at least 1"),
    ],
)
def test_bad_values_are_named(change, problem):
    problems = validate(Policy(**change))
    assert any(problem in p for p in problems)


def test_minimum_above_every_balance_is_refused():
    assert check_against_balance(Policy(instalment_minimum=50000), largest_balance=40000)
    assert check_against_balance(Policy(), largest_balance=40000) == []


def test_settlement_offer_uses_the_largest_discount_in_the_debtors_favour():
    offer = settlement_offer(Policy(settlement_max_discount_pct=25, settlement_days=14), 10001, TODAY)
    assert offer.forgiven == 2500 and offer.amount == 7501
    assert offer.amount + offer.forgiven == 10001
    assert offer.pay_by == TODAY + timedelta(days=14)
    assert settlement_offer(Policy(settlement=False), 10001, TODAY) is None


def test_part_payment_limits():
    policy = Policy(part_minimum=2000)
    check_part_payment(policy, 10000, 2000)
    with pytest.raises(OutsidePolicy) as error:
        check_part_payment(policy, 10000, 1999)
    assert error.value.code == "below_part_minimum" and error.value.limit == 2000
    with pytest.raises(OutsidePolicy):
        check_part_payment(Policy(part_payments=False), 10000, 5000)


def test_monthly_plan_from_the_31st():
    plan = build_plan(Policy(), 100000, TODAY, frequency=Frequency.MONTHLY, first_date=TODAY, count=3)
    assert [p.due for p in plan] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    assert [p.amount for p in plan] == [33333, 33333, 33334]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        (
            {"frequency": Frequency.WEEKLY, "count": 2, "first_date": TODAY - timedelta(days=1)},
            "first_date_in_past",
        ),
        (
            {"frequency": Frequency.WEEKLY, "count": 2, "first_date": TODAY + timedelta(days=31)},
            "first_date_too_late",
        ),
        ({"frequency": Frequency.WEEKLY, "count": 25, "first_date": TODAY}, "too_many_instalments"),
        ({"frequency": Frequency.WEEKLY, "amount": 100, "first_date": TODAY}, "below_instalment_minimum"),
        ({"frequency": Frequency.WEEKLY, "count": 50, "first_date": TODAY}, "too_many_instalments"),
    ],
)
def test_choices_outside_the_policy_name_the_limit(kwargs, code):
    with pytest.raises(OutsidePolicy) as error:
        build_plan(Policy(), 100000, TODAY, **kwargs)
    assert error.value.code == code


def test_frequency_not_allowed_and_down_payment_required():
    monthly_only = Policy(frequencies=(Frequency.MONTHLY,))
    with pytest.raises(OutsidePolicy, match="frequency_not_allowed"):
        build_plan(monthly_only, 100000, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, count=2)
    needs_down = Policy(down_payment_required=True, down_payment_minimum=10000)
    with pytest.raises(OutsidePolicy, match="down_payment_required"):
        build_plan(needs_down, 100000, TODAY, frequency=Frequency.MONTHLY, first_date=TODAY, count=3)
    plan = build_plan(
        needs_down, 100000, TODAY, frequency=Frequency.MONTHLY, first_date=TODAY, count=3, down_payment=10000
    )
    assert [p.amount for p in plan] == [10000, 30000, 30000, 30000]


def test_small_final_payment_only_when_allowed():
    plan = build_plan(Policy(), 10100, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, amount=5000)
    assert [p.amount for p in plan] == [5000, 5000, 100]
    strict = Policy(small_final_payment=False)
    plan = build_plan(strict, 10100, TODAY, frequency=Frequency.WEEKLY, first_date=TODAY, amount=5000)
    assert [p.amount for p in plan] == [5000, 5100]


@given(
    balance=st.integers(min_value=1, max_value=10**9),
    count=st.integers(min_value=1, max_value=60),
    frequency=st.sampled_from(list(Frequency)),
    minimum=st.integers(min_value=1, max_value=10**6),
    small_final=st.booleans(),
    per_payment=st.integers(min_value=1, max_value=10**9),
)
def test_any_plan_the_policy_accepts_sums_exactly_and_keeps_its_limits(
    balance, count, frequency, minimum, small_final, per_payment
):
    policy = Policy(
        max_instalments=60,
        max_duration_days=60 * 31,
        instalment_minimum=minimum,
        small_final_payment=small_final,
    )
    for choice in ({"count": count}, {"amount": per_payment}):
        try:
            plan = build_plan(policy, balance, TODAY, frequency=frequency, first_date=TODAY, **choice)
        except OutsidePolicy:
            continue
        amounts = [p.amount for p in plan]
        assert sum(amounts) == balance
        assert 1 <= len(plan) <= 60
        body = amounts[:-1] if small_final else amounts
        assert all(a >= minimum for a in body)
        assert all(a.due < b.due for a, b in zip(plan, plan[1:], strict=False))
