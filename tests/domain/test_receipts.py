"""A receipt states what was left right after its payment, whatever was paid or forgiven since."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from portal.domain.receipts import Recorded, left_after, payment_reference

MARCH = datetime(2027, 3, 1, tzinfo=UTC)
APRIL = datetime(2027, 4, 1, tzinfo=UTC)
MAY = datetime(2027, 5, 1, tzinfo=UTC)


def test_the_payment_reference_has_at_least_six_digits():
    assert payment_reference(42) == "P-000042"
    assert payment_reference(1234567) == "P-1234567"


def test_a_later_payment_does_not_change_what_an_earlier_receipt_says_was_left():
    first, second = Recorded(1, MARCH, 3000), Recorded(2, APRIL, 2000)

    assert left_after(1, [first], total=10000, forgiven=0) == 7000
    assert left_after(1, [second, first], total=10000, forgiven=0) == 7000
    assert left_after(2, [second, first], total=10000, forgiven=0) == 5000


def test_payments_at_the_same_moment_count_in_the_order_they_were_recorded():
    payments = [Recorded(8, MARCH, 1000), Recorded(7, MARCH, 2500)]

    assert left_after(7, payments, total=10000, forgiven=0) == 7500
    assert left_after(8, payments, total=10000, forgiven=0) == 6500


def test_the_forgiven_part_counts_from_the_settlement_on_not_before():
    payments = [Recorded(1, MARCH, 3000), Recorded(2, APRIL, 4000, settlement=True), Recorded(3, MAY, 500)]

    assert left_after(1, payments, total=10000, forgiven=3000) == 7000
    assert left_after(2, payments, total=10000, forgiven=3000) == 0
    assert left_after(3, payments, total=10000, forgiven=3000) == 0


def test_without_a_marked_settlement_the_forgiven_part_counts_with_the_last_payment():
    payments = [Recorded(1, MARCH, 3000), Recorded(2, APRIL, 4000)]

    assert left_after(1, payments, total=10000, forgiven=3000) == 7000
    assert left_after(2, payments, total=10000, forgiven=3000) == 0


def test_paying_more_than_was_owed_leaves_nothing_never_less():
    assert left_after(1, [Recorded(1, MARCH, 12000)], total=10000, forgiven=0) == 0


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8), st.integers(0, 10**7))
def test_what_is_left_only_goes_down_from_one_receipt_to_the_next(amounts, total):
    payments = [Recorded(i, MARCH, amount) for i, amount in enumerate(amounts, start=1)]
    left = [left_after(p.id, payments, total=total, forgiven=0) for p in payments]

    assert left == sorted(left, reverse=True)
    assert left[-1] == max(total - sum(amounts), 0)
