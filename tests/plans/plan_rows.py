"""Plans and instalments written straight to the database, for tests that need no card or Stripe."""

from __future__ import annotations

from datetime import date

from portal.accounts import policies
from portal.domain.transitions import PLAN
from portal.extensions import db
from portal.models import Instalment, Plan, PlanKind, PlanStatus


def plan_rows(
    account,
    payments: list[tuple[date, int]],
    *,
    status: PlanStatus = PlanStatus.ACTIVE,
    card_brand: str | None = "Visa",
    card_last4: str = "4242",
) -> Plan:
    """An instalment plan on *account* with one instalment per (due date, amount in minor units)."""
    policy = policies.in_force(account.creditor)
    plan = Plan(
        account_id=account.id,
        policy_id=policy.id,
        kind=PlanKind.INSTALMENTS,
        active_account_id=account.id,
        frequency="monthly",
        currency=account.currency,
        total=sum(amount for _, amount in payments),
        card_brand=card_brand,
        card_last4=card_last4,
    )
    for number, (due, amount) in enumerate(payments, start=1):
        plan.instalments.append(Instalment(number=number, due_date=due, amount=amount, next_attempt_on=due))
    db.session.add(plan)
    db.session.flush()  # every plan starts active; a test asking for another state moves it there
    if status is not PlanStatus.ACTIVE:
        PLAN.move(plan, status)
        plan.active_account_id = None
    db.session.commit()
    return plan
