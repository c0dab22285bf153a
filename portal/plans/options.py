"""Which options an account gets today under its creditor's current policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.accounts import ledger, policies
from portal.domain.money import Money
from portal.domain.policy import Policy, Settlement, settlement_offer
from portal.models import Account, CreditorPolicy


@dataclass(frozen=True)
class Options:
    policy_row: CreditorPolicy
    policy: Policy
    balance: Money
    part_payment: bool
    settlement: Settlement | None
    instalments: bool

    def money(self, minor: int) -> Money:
        return Money(minor, self.balance.currency)


def options_for(account: Account, today: date) -> Options:
    """Amount limits only apply in the policy's currency; other currencies get percentage-based ones."""
    row = policies.current(account.creditor)
    policy = policies.rules(row)
    balance = account.balance
    same_currency = policy.currency == account.currency
    # While a dispute is open nothing new is offered: the debtor may only pay in full, voluntarily.
    open_without_plan = (
        not account.is_closed and not account.on_hold and ledger.active_plan(account.id) is None
    )
    return Options(
        policy_row=row,
        policy=policy,
        balance=balance,
        part_payment=open_without_plan
        and same_currency
        and policy.part_payments
        and balance.minor > policy.part_minimum,
        settlement=settlement_offer(policy, balance.minor, today) if open_without_plan else None,
        instalments=open_without_plan
        and same_currency
        and policy.instalments
        and balance.minor >= 2 * max(policy.instalment_minimum, 1),
    )
