"""Whether a card charge may still go ahead, and how a recorded payment splits against the debt.

Both are asked with the account locked and what is owed read afresh, so two ways to pay at
once can never take more than is owed.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTHING_OWED = "nothing_owed"
AMOUNT_CHANGED = "amount_changed"


def refusal(
    amount: int, owed: int, *, basis: int | None, is_open: bool, instalment_due: bool | None = None
) -> str | None:
    """Why a charge of *amount* must not start now, or None when it may.

    *basis* is what was owed when the amount was worked out (None for an instalment, whose own
    status says whether it is still due); if the debt moved since, the debtor must see the new
    figures before anything is taken.
    """
    if not is_open or owed <= 0:
        return NOTHING_OWED
    if instalment_due is False:
        return AMOUNT_CHANGED
    if basis is not None and basis != owed:
        return AMOUNT_CHANGED
    if not 0 < amount <= owed:
        return AMOUNT_CHANGED
    return None


@dataclass(frozen=True)
class Split:
    """A payment of *kept + excess*: *kept* goes against the debt, *excess* is given back."""

    kept: int
    excess: int


def split_payment(amount: int, owed: int) -> Split:
    """Split money Stripe took against what was still owed (nothing, if the account is done)."""
    if amount < 0:
        raise ValueError("a payment is never negative")
    kept = min(amount, max(owed, 0))
    return Split(kept, amount - kept)
