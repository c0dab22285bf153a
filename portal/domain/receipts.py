"""What a receipt states about one payment: its reference and what was left to pay right after it.

A receipt is a record of one moment, so it is worked out from the payments recorded up to and
including that one: a later payment or settlement never changes an earlier receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


def payment_reference(payment_id: int) -> str:
    """The reference a receipt shows and a person quotes to us: "P-" and at least six digits."""
    return f"P-{payment_id:06d}"


@dataclass(frozen=True)
class Recorded:
    """A payment as the receipt sees it; *amount* in minor units."""

    id: int
    paid_at: datetime
    amount: int
    #: True for the payment of a settlement: the rest was forgiven with it.
    settlement: bool = False


def left_after(payment_id: int, payments: Sequence[Recorded], total: int, forgiven: int) -> int:
    """What was still owed right after *payment_id*, in minor units; never negative.

    *payments* are all the account's payments in any order, *total* what the creditor itemised,
    *forgiven* what a settlement forgave. The forgiven part counts from the settlement's payment
    on; with no payment marked as the settlement it counts from the last one.
    """
    ordered = sorted(payments, key=lambda p: (p.paid_at, p.id))
    position = next(i for i, p in enumerate(ordered) if p.id == payment_id)
    so_far = ordered[: position + 1]
    taken = sum(p.amount for p in so_far)
    settled_by = next((i for i, p in enumerate(ordered) if p.settlement), len(ordered) - 1)
    if position >= settled_by:
        taken += forgiven
    return max(total - taken, 0)
