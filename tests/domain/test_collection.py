"""Collecting a plan's instalments: hard declines, retry dates, misses and broken plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.collection import (
    after_authentication_needed,
    after_decline,
    is_hard_decline,
    out_of_tries,
    plan_breaks,
    retry_date,
)
from portal.domain.policy import Policy

DUE = date(2027, 2, 1)
POLICY = Policy()  # retries 3 and 7 days after the due date, 3 grace days, broken at 2 misses


def test_a_lost_card_is_a_hard_decline_and_insufficient_funds_is_not():
    assert is_hard_decline("lost_card") and is_hard_decline("expired_card")
    assert not is_hard_decline("insufficient_funds") and not is_hard_decline("card_declined")


def test_a_soft_decline_is_retried_on_the_policys_days_after_the_due_date():
    first = after_decline(DUE, 1, POLICY, "insufficient_funds", DUE)
    assert (first.hard, first.attempts, first.retry_on) == (False, 1, DUE + timedelta(days=3))
    assert first.next_attempt_on == first.retry_on
    second = after_decline(DUE, 2, POLICY, "insufficient_funds", DUE + timedelta(days=3))
    assert second.retry_on == DUE + timedelta(days=7)


def test_after_the_last_retry_the_debtor_has_the_grace_days_then_it_is_missed():
    last = after_decline(DUE, 3, POLICY, "insufficient_funds", DUE + timedelta(days=7))
    assert last.retry_on is None and last.attempts == 3
    assert last.next_attempt_on == DUE + timedelta(days=7)  # the grace days are already behind
    assert out_of_tries(last.attempts, POLICY)


def test_a_hard_decline_is_not_retried_and_uses_up_the_tries():
    hard = after_decline(DUE, 1, POLICY, "stolen_card", DUE)
    assert (hard.hard, hard.retry_on, hard.attempts) == (True, None, 3)
    assert hard.next_attempt_on == DUE + timedelta(days=POLICY.grace_days)
    assert out_of_tries(hard.attempts, POLICY)


def test_a_policy_without_retries_waits_its_grace_days():
    policy = replace(POLICY, retry_days=(), grace_days=5)
    assert retry_date(DUE, policy, DUE, 0) == DUE + timedelta(days=5)
    assert after_decline(DUE, 1, policy, "insufficient_funds", DUE).retry_on is None


def test_a_bank_asking_the_debtor_to_confirm_is_looked_at_again_on_the_first_retry_day():
    assert after_authentication_needed(DUE, POLICY, DUE) == DUE + timedelta(days=3)
    assert after_authentication_needed(DUE, POLICY, DUE + timedelta(days=5)) == DUE + timedelta(days=6)


@pytest.mark.parametrize("misses, broken", [(0, False), (1, False), (2, True), (3, True)])
def test_a_plan_breaks_at_the_policys_number_of_misses(misses, broken):
    assert plan_breaks(misses, POLICY) is broken


policies = st.builds(
    Policy,
    retry_days=st.lists(st.integers(1, 30), max_size=4, unique=True).map(lambda days: tuple(sorted(days))),
    grace_days=st.integers(0, 30),
)
codes = st.sampled_from(["insufficient_funds", "card_declined", "do_not_honor", "lost_card", "expired_card"])


@given(policies, st.integers(1, 6), codes, st.integers(0, 40))
def test_a_retry_is_never_before_tomorrow_nor_before_the_due_date_plus_a_retry_day(policy, tries, code, late):
    today = DUE + timedelta(days=late)
    outcome = after_decline(DUE, tries, policy, code, today)
    assert outcome.next_attempt_on >= today
    if outcome.retry_on is not None:
        assert not outcome.hard and not out_of_tries(tries, policy)
        assert outcome.retry_on == outcome.next_attempt_on > today
        assert outcome.retry_on >= DUE + timedelta(days=min(policy.retry_days or (policy.grace_days,)))
    else:
        # No automatic try left: the runner's next look marks the instalment missed.
        assert out_of_tries(outcome.attempts, policy)


@given(policies, codes)
def test_an_instalment_is_tried_at_most_once_plus_the_policys_retries(policy, code):
    tries, today = 1, DUE
    while True:
        outcome = after_decline(DUE, tries, policy, code, today)
        if outcome.retry_on is None:
            break
        tries, today = tries + 1, outcome.retry_on
    assert tries <= len(policy.retry_days) + 1
    assert out_of_tries(outcome.attempts, policy)
