"""What a creditor's file may change on an account that already has a history.

The rule (README, "Importing accounts"):
- On an account with no payments, no plan in force and no dispute, a row simply replaces the
  amounts and details.
- A row never lowers what is owed to or below what was already paid (and forgiven), nor below
  what a plan in force or a payment in progress will still collect: such a row is refused.
- The amounts and currency of a closed account (paid, settled, or closed after a dispute) never
  change by import; the currency never changes once money has moved or a plan is in force.
- Any other change to an account with payments, a plan in force or a dispute is applied, and
  the account is flagged for a person to look at. A plan in force is kept as agreed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    """An account as it stands before the row is applied; amounts in minor units."""

    is_open: bool
    currency: str
    total: int
    paid: int
    forgiven: int
    #: What a plan in force and payments in progress will still collect.
    committed: int = 0
    has_plan: bool = False
    has_dispute: bool = False

    @property
    def has_payments(self) -> bool:
        return self.paid > 0


@dataclass(frozen=True)
class Incoming:
    """The row's amounts, and whether anything at all differs from the account."""

    currency: str
    total: int
    amounts_changed: bool
    anything_changed: bool


class Refused(ValueError):
    """The row must not be applied; the message says why, for the collector, without values."""


def review_reason(standing: Standing, incoming: Incoming) -> str | None:
    """Raise Refused if the row must not be applied; else why a person should look at the
    change (None when nobody needs to)."""
    currency_changed = incoming.currency != standing.currency
    if incoming.amounts_changed or currency_changed:
        _check_amounts(standing, incoming, currency_changed)
    if not incoming.anything_changed:
        return None
    touched = [
        label
        for label, present in (
            ("payments", standing.has_payments),
            ("a plan in force", standing.has_plan),
            ("a dispute", standing.has_dispute),
        )
        if present
    ]
    if not touched:
        return None
    return "an import changed an account with " + ", ".join(touched)


def _check_amounts(standing: Standing, incoming: Incoming, currency_changed: bool) -> None:
    if not standing.is_open:
        raise Refused("the account is closed (paid, settled or closed after a dispute); its amounts stay")
    if currency_changed:
        if standing.has_payments or standing.forgiven or standing.has_plan or standing.committed:
            raise Refused("the currency cannot change on an account with payments or a plan")
        return
    balance = incoming.total - standing.paid - standing.forgiven
    if (standing.has_payments or standing.forgiven) and balance <= 0:
        raise Refused(
            "the new total is not more than what was already paid on the account; a person must "
            "decide (a refund, or closing the account)"
        )
    if balance < standing.committed:
        raise Refused(
            "the new total leaves less owed than the plan in force or a payment in progress "
            "will collect; change or end the plan first"
        )
