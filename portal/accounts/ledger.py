"""What a recorded payment does to the account and its plan: the one place balances change state."""

from __future__ import annotations

from sqlalchemy import select

from portal import timeline
from portal.accounts import policies
from portal.domain import transitions
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentAttempt,
    Plan,
    PlanKind,
    PlanStatus,
    Purpose,
)
from portal.models.types import utcnow


def active_plan(account_id: int) -> Plan | None:
    return db.session.scalar(
        select(Plan).where(Plan.account_id == account_id, Plan.status == PlanStatus.ACTIVE)
    )


def end_plan(plan: Plan, status: PlanStatus, reason: str) -> None:
    """Close a plan: it frees the account's active slot and its unpaid instalments are cancelled."""
    transitions.PLAN.move(plan, status)
    plan.active_account_id = None
    plan.ended_at = utcnow()
    for instalment in plan.instalments:
        if instalment.status is InstalmentStatus.SCHEDULED:
            transitions.INSTALMENT.move(instalment, InstalmentStatus.CANCELLED)
    timeline.record(plan.account_id, f"plan_{status.value}", plan_id=plan.id, reason=reason)


def apply_payment(attempt: PaymentAttempt, payment: Payment) -> None:
    """Called once per recorded payment, inside its transaction."""
    account = attempt.account
    db.session.flush()
    db.session.refresh(account)
    if attempt.purpose is Purpose.SETTLEMENT and account.status is AccountStatus.OPEN:
        forgiven = account.balance.minor
        if forgiven > 0:
            policy_row = policies.in_force(account.creditor)
            db.session.add(
                Plan(
                    account_id=account.id,
                    policy_id=policy_row.id,
                    kind=PlanKind.SETTLEMENT,
                    status=PlanStatus.COMPLETED,
                    currency=account.currency,
                    total=payment.amount,
                    forgiven=forgiven,
                    ended_at=utcnow(),
                )
            )
            account.forgiven += forgiven
            transitions.ACCOUNT.move(account, AccountStatus.SETTLED)
            timeline.record(
                account,
                "account_settled",
                paid=payment.amount,
                forgiven=forgiven,
                policy_version=policy_row.version,
            )
    if attempt.instalment_id:
        instalment = db.session.get(Instalment, attempt.instalment_id)
        # A second payment for the same instalment (an attempt given up on that Stripe took after
        # all) finds it paid already: the money is recorded, the instalment does not move again.
        if instalment.status is not InstalmentStatus.PAID:
            transitions.INSTALMENT.move(instalment, InstalmentStatus.PAID)
        timeline.record(
            account,
            "instalment_paid",
            plan_id=instalment.plan_id,
            number=instalment.number,
            amount=instalment.amount,
        )
    plan = active_plan(account.id)
    if plan is not None and all(i.status is InstalmentStatus.PAID for i in plan.instalments):
        end_plan(plan, PlanStatus.COMPLETED, "all_paid")
    if account.balance.minor <= 0 and account.status is AccountStatus.OPEN:
        transitions.ACCOUNT.move(account, AccountStatus.PAID)
        timeline.record(account, "account_paid")
        if plan is not None and plan.status is PlanStatus.ACTIVE:
            end_plan(plan, PlanStatus.COMPLETED, "paid_off")


def apply_refund(account: Account, payment: Payment) -> None:
    """Money given back from *payment* (its `refunded` already counts it), inside the refund's
    transaction: a paid account owing again is open again; what cannot be undone is flagged.

    An instalment stays paid and a settlement stays settled (neither table moves back), so an
    account with a plan running or a settlement is flagged for a person to look at.
    """
    db.session.flush()
    db.session.refresh(account)
    if account.status is AccountStatus.PAID and account.balance.minor > 0:
        transitions.ACCOUNT.move(account, AccountStatus.OPEN)
        timeline.record(account, "account_reopened", payment_id=payment.id, owed=account.balance.minor)
    plan = active_plan(account.id)
    if plan is not None or account.status is AccountStatus.SETTLED:
        account.needs_review = True
        account.review_reason = (
            "refunded during a plan: its payments no longer match what is owed"
            if plan is not None
            else "refunded after a settlement: decide whether the settlement stands"
        )


def instalments_paid(plan: Plan) -> int:
    return sum(1 for i in plan.instalments if i.status is InstalmentStatus.PAID)


def next_instalment(plan: Plan) -> Instalment | None:
    return next((i for i in plan.instalments if i.status is InstalmentStatus.SCHEDULED), None)
