"""What an account may do now, read from the database and answered by the domain's one rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts import ledger, policies
from portal.domain.eligibility import AccountState, Action, Eligibility, Reason, eligibility
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import Account, Offer

__all__ = ["Action", "Eligibility", "Reason", "for_account", "state_of"]


def state_of(account: Account, policy: Policy) -> AccountState:
    """The facts the rule looks at, under *policy* (the creditor's policy in force)."""
    latest_offer = db.session.scalar(
        select(Offer.status).where(Offer.account_id == account.id).order_by(Offer.id.desc()).limit(1)
    )
    return AccountState(
        status=account.status.value,
        balance=account.balance.minor,
        currency=account.currency,
        on_hold=account.on_hold,
        plan_active=ledger.active_plan(account.id) is not None,
        offer_status=latest_offer.value if latest_offer is not None else None,
        policy=policy,
    )


def for_account(account: Account, today: date) -> Eligibility:
    """What *account* may do on *today* under its creditor's current policy, and why not."""
    policy = policies.rules(policies.current(account.creditor))
    return eligibility(state_of(account, policy), today)
