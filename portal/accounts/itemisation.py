"""The itemisation of a debt (Regulation F): what was owed on the itemization date, what was added
and taken off since, and what is owed now. Shown on the validation page and in dispute emails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain.money import Money
from portal.models import Account


@dataclass(frozen=True)
class Itemisation:
    """How the debt moved from the itemization date to today.

    The creditor's principal is what was owed on the itemization date; the interest and fees it
    sends are what was added since. Payments recorded here and amounts forgiven come off.
    """

    itemization_date: date | None
    owed_then: Money
    interest: Money
    fees: Money
    paid: Money
    credited: Money
    owed_now: Money


def itemise(account: Account) -> Itemisation:
    """The account's itemisation as it stands now."""
    return Itemisation(
        itemization_date=account.itemization_date,
        owed_then=account.money(account.principal),
        interest=account.money(account.interest),
        fees=account.money(account.fees),
        paid=account.paid,
        credited=account.money(account.forgiven),
        owed_now=account.balance,
    )
