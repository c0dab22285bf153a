"""What an account may do now: examples from the pages, and properties over every state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.eligibility import AccountState, Action, Reason, eligibility
from portal.domain.policy import OutsidePolicy, Policy, check_part_payment

TODAY = date(2027, 3, 10)
OPEN = AccountState(
    status="open",
    balance=50_000,
    currency="USD",
    on_hold=False,
    plan_active=False,
    offer_status=None,
    policy=Policy(),
)
#: Actions that set something new up; none of them while a dispute is under review.
NEW_THINGS = {
    Action.OPTIONS,
    Action.PART_PAYMENT,
    Action.SETTLE,
    Action.PLAN,
    Action.MAKE_OFFER,
    Action.AGREE_OFFER,
    Action.PROMISE,
    Action.AFFORDABILITY,
}


def test_an_open_account_with_the_default_policy_may_do_everything_but_agree_or_manage_a_plan():
    answer = eligibility(OPEN, TODAY)
    assert answer.allowed == frozenset(Action) - {Action.AGREE_OFFER, Action.MANAGE_PLAN}
    assert answer.why_not(Action.AGREE_OFFER) is Reason.NO_OFFER_TO_AGREE
    assert answer.why_not(Action.MANAGE_PLAN) is Reason.NO_PLAN
    assert answer.settlement is not None and answer.settlement.forgiven == 10_000  # 20% of 500.00


@pytest.mark.parametrize(
    "status, reason", [("paid", Reason.PAID), ("settled", Reason.SETTLED), ("closed", Reason.CLOSED)]
)
def test_a_finished_account_may_do_nothing_and_says_how_it_finished(status, reason):
    answer = eligibility(replace(OPEN, status=status, balance=0), TODAY)
    assert answer.allowed == frozenset()
    assert {answer.why_not(a) for a in Action if a is not Action.MANAGE_PLAN} == {reason}
    assert answer.settlement is None and answer.finished is reason


def test_while_a_dispute_is_under_review_the_debtor_may_pay_in_full_or_ask_for_a_call_but_start_nothing():
    answer = eligibility(replace(OPEN, on_hold=True), TODAY)
    assert answer.allowed == {Action.PAY_IN_FULL, Action.CALLBACK}
    for action in NEW_THINGS | {Action.DISPUTE}:  # a second dispute too: one is open
        assert answer.why_not(action) is Reason.DISPUTE_OPEN


def test_with_a_plan_running_the_debtor_manages_it_may_ask_for_a_call_or_dispute_but_starts_nothing_new():
    answer = eligibility(replace(OPEN, plan_active=True, offer_status="agreed"), TODAY)
    assert answer.allowed == {Action.PAY_IN_FULL, Action.MANAGE_PLAN, Action.CALLBACK, Action.DISPUTE}
    assert {answer.why_not(a) for a in NEW_THINGS} == {Reason.PLAN_ACTIVE}


@pytest.mark.parametrize("offer", ["pending", "accepted", "countered"])
def test_an_offer_waiting_on_someone_stops_a_second_offer(offer):
    assert (
        eligibility(replace(OPEN, offer_status=offer), TODAY).why_not(Action.MAKE_OFFER) is Reason.OFFER_OPEN
    )


@pytest.mark.parametrize(
    "offer, agreeable", [("pending", False), ("accepted", True), ("countered", True), ("declined", False)]
)
def test_only_an_accepted_or_countered_offer_can_be_agreed(offer, agreeable):
    answer = eligibility(replace(OPEN, offer_status=offer), TODAY)
    assert answer.may(Action.AGREE_OFFER) is agreeable
    assert answer.may(Action.MAKE_OFFER) is (offer == "declined")


def test_an_account_in_another_currency_gets_no_amount_limited_choices_but_may_still_settle():
    answer = eligibility(replace(OPEN, currency="EUR"), TODAY)
    assert answer.why_not(Action.PART_PAYMENT) is Reason.OTHER_CURRENCY
    assert answer.why_not(Action.PLAN) is Reason.OTHER_CURRENCY
    assert answer.may(Action.SETTLE)


def test_what_the_creditor_switched_off_is_refused_as_not_in_policy():
    policy = replace(Policy(), part_payments=False, settlement=False, instalments=False)
    answer = eligibility(replace(OPEN, policy=policy), TODAY)
    for action in (Action.PART_PAYMENT, Action.SETTLE, Action.PLAN):
        assert answer.why_not(action) is Reason.NOT_IN_POLICY
    assert answer.may(Action.MAKE_OFFER)  # a person decides on an offer, not the policy


def test_a_discount_that_rounds_to_nothing_is_no_settlement():
    answer = eligibility(
        replace(OPEN, balance=4, policy=replace(Policy(), settlement_max_discount_pct=20)), TODAY
    )
    assert answer.why_not(Action.SETTLE) is Reason.NO_DISCOUNT


def test_small_balances_stop_part_payments_and_plans_at_the_policys_minimums():
    policy = Policy()  # part minimum 10.00, instalment minimum 25.00
    at = eligibility(replace(OPEN, balance=policy.part_minimum), TODAY)
    assert at.why_not(Action.PART_PAYMENT) is Reason.BALANCE_TOO_SMALL
    assert eligibility(replace(OPEN, balance=policy.part_minimum + 1), TODAY).may(Action.PART_PAYMENT)
    two = 2 * policy.instalment_minimum
    assert eligibility(replace(OPEN, balance=two - 1), TODAY).why_not(Action.PLAN) is Reason.BALANCE_TOO_SMALL
    assert eligibility(replace(OPEN, balance=two), TODAY).may(Action.PLAN)


def test_an_open_account_that_owes_nothing_may_only_dispute_or_ask_for_a_call():
    answer = eligibility(replace(OPEN, balance=0), TODAY)
    assert answer.allowed == {Action.DISPUTE, Action.CALLBACK}
    assert answer.finished is None
    assert answer.why_not(Action.PAY_IN_FULL) is Reason.NOTHING_OWED


def test_an_action_may_be_named_by_its_string_as_a_template_would():
    answer = eligibility(OPEN, TODAY)
    assert answer.may("settle") and answer.why_not("manage_plan") == "no_plan"
    with pytest.raises(ValueError):
        answer.may("fly")


# --- Properties over every state --------------------------------------------------------------

policies = st.builds(
    Policy,
    part_payments=st.booleans(),
    part_minimum=st.integers(0, 20_000),
    settlement=st.booleans(),
    settlement_max_discount_pct=st.integers(0, 100),
    instalments=st.booleans(),
    instalment_minimum=st.integers(0, 20_000),
)
states = st.builds(
    AccountState,
    status=st.sampled_from(["open", "paid", "settled", "closed"]),
    balance=st.integers(-1_000, 1_000_000),
    currency=st.sampled_from(["USD", "EUR"]),
    on_hold=st.booleans(),
    plan_active=st.booleans(),
    offer_status=st.sampled_from([None, "pending", "accepted", "declined", "countered", "agreed"]),
    policy=policies,
)


@given(states)
def test_every_action_is_either_allowed_or_refused_with_a_reason(state):
    answer = eligibility(state, TODAY)
    assert answer.allowed.isdisjoint(answer.refused.keys())
    assert answer.allowed | answer.refused.keys() == frozenset(Action)
    assert all(isinstance(reason, Reason) for reason in answer.refused.values())


@given(states)
def test_only_an_open_account_may_pay_or_start_anything(state):
    answer = eligibility(state, TODAY)
    if state.status != "open":
        assert answer.allowed <= {Action.MANAGE_PLAN}
    if state.balance <= 0:
        assert answer.allowed <= {Action.MANAGE_PLAN, Action.DISPUTE, Action.CALLBACK}
    assert (answer.finished is None) is (state.status == "open")


@given(states)
def test_a_hold_or_a_plan_never_allows_more_than_without_it(state):
    free = eligibility(replace(state, on_hold=False, plan_active=False), TODAY).allowed
    assert eligibility(replace(state, on_hold=True, plan_active=False), TODAY).allowed <= free
    with_plan = eligibility(replace(state, plan_active=True), TODAY).allowed - {Action.MANAGE_PLAN}
    assert with_plan <= eligibility(replace(state, plan_active=False), TODAY).allowed
    assert not with_plan & NEW_THINGS


@given(states)
def test_an_allowed_part_payment_leaves_an_amount_the_policy_accepts(state):
    answer = eligibility(state, TODAY)
    if answer.may(Action.PART_PAYMENT):
        smallest = max(state.policy.part_minimum, 1)
        check_part_payment(state.policy, state.balance, smallest)  # raises if none fits
    elif answer.why_not(Action.PART_PAYMENT) is Reason.BALANCE_TOO_SMALL:
        with pytest.raises(OutsidePolicy):
            check_part_payment(state.policy, state.balance, max(state.policy.part_minimum, 1))


@given(states)
def test_an_allowed_settlement_forgives_something_and_asks_for_less_than_the_balance(state):
    answer = eligibility(state, TODAY)
    assert (answer.settlement is not None) is answer.may(Action.SETTLE)
    if answer.settlement is not None:
        assert 0 < answer.settlement.forgiven <= state.balance
        assert answer.settlement.amount + answer.settlement.forgiven == state.balance
