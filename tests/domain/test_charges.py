"""Whether a charge may start, and how a payment splits against what is owed (issue 10)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.charges import AMOUNT_CHANGED, NOTHING_OWED, refusal, split_payment

amounts = st.integers(min_value=0, max_value=10**9)


def test_a_charge_within_what_is_owed_on_the_figures_shown_may_start():
    assert refusal(30000, 106025, basis=106025, is_open=True) is None
    assert refusal(106025, 106025, basis=106025, is_open=True) is None


def test_nothing_is_charged_on_an_account_that_owes_nothing_or_is_closed():
    assert refusal(100, 0, basis=None, is_open=True) == NOTHING_OWED
    assert refusal(100, 500, basis=500, is_open=False) == NOTHING_OWED


def test_a_debt_that_moved_since_the_amount_was_worked_out_stops_the_charge():
    # The other tab's part payment went through while this tab paid "in full".
    assert refusal(106025, 76025, basis=106025, is_open=True) == AMOUNT_CHANGED


def test_an_instalment_paid_meanwhile_or_more_than_is_owed_stops_the_charge():
    assert refusal(35341, 106025, basis=None, is_open=True, instalment_due=False) == AMOUNT_CHANGED
    assert refusal(35341, 20000, basis=None, is_open=True, instalment_due=True) == AMOUNT_CHANGED
    assert refusal(0, 20000, basis=None, is_open=True) == AMOUNT_CHANGED


@given(amount=amounts, owed=amounts, basis=st.none() | amounts)
def test_a_charge_allowed_never_takes_more_than_is_owed(amount, owed, basis):
    if refusal(amount, owed, basis=basis, is_open=True) is None:
        assert 0 < amount <= owed


@given(amount=amounts, owed=st.integers(min_value=-(10**9), max_value=10**9))
def test_a_split_keeps_no_more_than_is_owed_and_gives_back_the_rest(amount, owed):
    split = split_payment(amount, owed)
    assert split.kept + split.excess == amount
    assert 0 <= split.kept <= max(owed, 0)
    assert split.excess >= 0
    assert split.excess == 0 or split.kept == max(owed, 0)


def test_a_payment_on_a_paid_account_is_given_back_whole():
    split = split_payment(106025, 0)
    assert (split.kept, split.excess) == (0, 106025)


def test_a_negative_payment_is_refused():
    with pytest.raises(ValueError):
        split_payment(-1, 100)
