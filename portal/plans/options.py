"""Which options an account gets today under its creditor's current policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.accounts.eligibility import Action, standing, state_of
from portal.domain.eligibility import eligibility
from portal.domain.money import Money
from portal.domain.policy import Policy, Settlement
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
    """The choices the eligibility rule allows under the creditor's current policy (the row is kept
    for the timeline's policy version)."""
    known = standing(account)
    row, policy = known.policy_row, known.policy
    answer = eligibility(state_of(account, policy), today)
    return Options(
        policy_row=row,
        policy=policy,
        balance=account.balance,
        part_payment=answer.may(Action.PART_PAYMENT),
        settlement=answer.settlement,
        instalments=answer.may(Action.PLAN),
    )
