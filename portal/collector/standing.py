"""An account's standing before an import row touches it: money paid, a plan, payments under way."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts import ledger
from portal.domain.reimport import Standing
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    Dispute,
    InstalmentStatus,
    PaymentAttempt,
)
from portal.models.payments import LIVE_STATUSES


def standing_of(account: Account) -> Standing:
    """What the reimport rule needs to know about *account*, read in the current transaction."""
    plan = ledger.active_plan(account.id)
    scheduled = {
        i.id: i.amount for i in (plan.instalments if plan else []) if i.status is InstalmentStatus.SCHEDULED
    }
    live = db.session.execute(
        select(PaymentAttempt.instalment_id, PaymentAttempt.amount).where(
            PaymentAttempt.account_id == account.id, PaymentAttempt.status.in_(LIVE_STATUSES)
        )
    ).all()
    # An attempt for a scheduled instalment is already counted in the plan's remainder.
    in_progress = sum(amount for instalment_id, amount in live if instalment_id not in scheduled)
    disputes = db.session.scalar(
        select(func.count()).select_from(Dispute).where(Dispute.account_id == account.id)
    )
    return Standing(
        is_open=account.status is AccountStatus.OPEN,
        currency=account.currency,
        total=account.principal + account.interest + account.fees,
        paid=sum(p.amount for p in account.payments),
        forgiven=account.forgiven,
        committed=sum(scheduled.values()) + in_progress,
        has_plan=plan is not None,
        has_dispute=bool(disputes),
    )
