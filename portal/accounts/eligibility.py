"""What an account may do now, read from the database and answered by the domain's one rule.

A page often asks more than once in a request (the options page, then the options themselves;
the overview, then the eligibility rule): what the rule reads (the policy in force, the latest
offer's status, the plan in force) is read once per request and account, and forgotten as soon as
the request writes anything through the session, so a write is never followed by a stale answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.accounts import policies
from portal.domain.eligibility import AccountState, Action, Eligibility, Reason, eligibility
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import Account, CreditorPolicy, Offer, Plan, PlanStatus

__all__ = ["Action", "Eligibility", "Reason", "Standing", "for_account", "standing", "state_of"]

_MEMO = "_account_standing"


@dataclass(frozen=True)
class Standing:
    """What the eligibility rule reads from the database about an account."""

    policy_row: CreditorPolicy
    #: The account's latest offer, whatever its status.
    offer: Offer | None
    plan: Plan | None

    @property
    def policy(self) -> Policy:
        return policies.rules(self.policy_row)

    @property
    def offer_status(self) -> str | None:
        return self.offer.status.value if self.offer is not None else None


def standing(account: Account) -> Standing:
    """The account's policy in force, latest offer and plan in force, read once a request."""
    # Only within a request: a task or a command keeps one app context for a long run, in which
    # other processes change what was read.
    memo = g.setdefault(_MEMO, {}) if has_request_context() else {}
    if account.id not in memo:
        # One statement for the three: every debtor page asks.
        newest_policy = (
            select(func.max(CreditorPolicy.version))
            .where(CreditorPolicy.creditor_id == account.creditor_id)
            .scalar_subquery()
        )
        latest_offer = select(func.max(Offer.id)).where(Offer.account_id == account.id).scalar_subquery()
        policy_row, offer, plan = db.session.execute(
            select(CreditorPolicy, Offer, Plan)
            .select_from(Account)
            .outerjoin(
                CreditorPolicy,
                (CreditorPolicy.creditor_id == Account.creditor_id)
                & (CreditorPolicy.version == newest_policy),
            )
            .outerjoin(Offer, Offer.id == latest_offer)
            # At most one: a plan in force holds the account's one active slot (Plan.active_account_id).
            .outerjoin(Plan, (Plan.account_id == Account.id) & (Plan.status == PlanStatus.ACTIVE))
            .where(Account.id == account.id)
        ).one()
        memo[account.id] = Standing(
            # With no version saved, the defaults, as policies.current gives them.
            policy_row=policy_row if policy_row is not None else policies.defaults(account.creditor_id),
            offer=offer,
            plan=plan,
        )
    return memo[account.id]


def state_of(account: Account, policy: Policy) -> AccountState:
    """The facts the rule looks at, under *policy* (the creditor's policy in force)."""
    known = standing(account)
    return AccountState(
        status=account.status.value,
        balance=account.balance.minor,
        currency=account.currency,
        on_hold=account.on_hold,
        plan_active=known.plan is not None,
        offer_status=known.offer_status,
        policy=policy,
    )


def for_account(account: Account, today: date) -> Eligibility:
    """What *account* may do on *today* under its creditor's current policy, and why not."""
    return eligibility(state_of(account, standing(account).policy), today)


def _forget(*_args) -> None:
    if has_request_context():
        g.pop(_MEMO, None)


def _forget_on_write(orm_execute_state) -> None:
    if not orm_execute_state.is_select:
        _forget()


# Any flush, commit or rollback, and any INSERT, UPDATE or DELETE sent through a session, may have
# changed what was read: the next question reads again.
for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, _forget)
event.listen(Session, "do_orm_execute", _forget_on_write)
