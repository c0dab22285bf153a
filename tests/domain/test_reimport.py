"""The re-import rule: what a creditor's file may change on an account with a history."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.reimport import Incoming, Refused, Standing, review_reason


def _standing(**facts) -> Standing:
    base = {"is_open": True, "currency": "USD", "total": 10000, "paid": 0, "forgiven": 0}
    return Standing(**{**base, **facts})


def _row(total=10000, currency="USD", *, amounts=True, anything=True) -> Incoming:
    return Incoming(currency=currency, total=total, amounts_changed=amounts, anything_changed=anything)


def test_an_account_without_history_takes_any_change_and_nobody_is_asked():
    assert review_reason(_standing(), _row(total=500)) is None
    assert review_reason(_standing(), _row(currency="EUR")) is None


@pytest.mark.parametrize("total", [5000, 4000, 1])
def test_a_row_never_lowers_what_is_owed_to_or_below_what_was_paid(total):
    with pytest.raises(Refused, match="not more than what was already paid"):
        review_reason(_standing(paid=5000), _row(total=total))


def test_what_was_forgiven_counts_like_what_was_paid():
    with pytest.raises(Refused):
        review_reason(_standing(paid=3000, forgiven=2000), _row(total=5000))


def test_a_row_may_not_leave_less_than_a_plan_in_force_will_collect():
    standing = _standing(paid=2500, committed=7500, has_plan=True)
    with pytest.raises(Refused, match="plan in force"):
        review_reason(standing, _row(total=9999))
    assert review_reason(standing, _row(total=10000 + 1)) == (
        "an import changed an account with payments, a plan in force"
    )


def test_a_payment_in_progress_counts_as_committed():
    with pytest.raises(Refused, match="payment in progress"):
        review_reason(_standing(committed=10000), _row(total=9000))


@pytest.mark.parametrize("total", [1, 10000, 20000])
def test_the_amounts_of_a_closed_account_never_change(total):
    with pytest.raises(Refused, match="closed"):
        review_reason(_standing(is_open=False, paid=10000), _row(total=total + 1))


def test_the_currency_never_changes_once_money_moved_or_a_plan_is_in_force():
    for standing in (_standing(paid=1), _standing(has_plan=True, committed=10000), _standing(forgiven=1)):
        with pytest.raises(Refused, match="currency"):
            review_reason(standing, _row(currency="EUR"))


def test_other_changes_to_an_account_with_payments_or_a_dispute_are_applied_and_flagged():
    assert review_reason(_standing(paid=100), _row(amounts=False)) == (
        "an import changed an account with payments"
    )
    assert review_reason(_standing(has_dispute=True), _row(total=20000)) == (
        "an import changed an account with a dispute"
    )
    closed_after_dispute = _standing(is_open=False, has_dispute=True)
    assert review_reason(closed_after_dispute, _row(amounts=False)) == (
        "an import changed an account with a dispute"
    )


def test_an_unchanged_row_is_never_flagged():
    standing = _standing(paid=100, has_plan=True, has_dispute=True, committed=100)
    assert review_reason(standing, _row(amounts=False, anything=False)) is None


@given(
    total=st.integers(1, 10**9),
    paid=st.integers(0, 10**9),
    forgiven=st.integers(0, 10**6),
    committed=st.integers(0, 10**9),
    new_total=st.integers(1, 10**9),
)
def test_an_applied_row_never_leaves_a_negative_balance_or_an_overcharging_plan(
    total, paid, forgiven, committed, new_total
):
    standing = _standing(
        total=total, paid=paid, forgiven=forgiven, committed=committed, has_plan=bool(committed)
    )
    try:
        review_reason(standing, _row(total=new_total))
    except Refused:
        return
    left = new_total - paid - forgiven
    assert left >= committed
    assert left > 0 or (paid == 0 and forgiven == 0)
