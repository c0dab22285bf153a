"""Agreeing an instalment plan: the schedule, the consent, the saved card, the first payment."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import gettext as _

from portal import timeline
from portal.accounts import ledger, policies
from portal.domain.policy import OutsidePolicy, build_plan
from portal.domain.schedules import Frequency
from portal.domain.schedules import Instalment as Scheduled
from portal.extensions import db
from portal.models import Account, Instalment, Plan, PlanKind, PlanStatus
from portal.models.types import utcnow
from portal.payments import attempts
from portal.plans.options import options_for


@dataclass(frozen=True)
class PlanChoice:
    """What the debtor chose in the builder; kept in the session until they agree."""

    frequency: str
    first_date: str  # ISO date
    count: int | None = None
    amount: int | None = None
    down_payment: int = 0

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict | None) -> PlanChoice | None:
        if not data:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def preview(account: Account, choice: PlanChoice, today: date) -> list[Scheduled]:
    """The schedule for the choice under today's policy; raises OutsidePolicy when it is not allowed."""
    options = options_for(account, today)
    return build_plan(
        options.policy,
        account.balance.minor,
        today,
        frequency=Frequency(choice.frequency),
        first_date=date.fromisoformat(choice.first_date),
        count=choice.count,
        amount=choice.amount,
        down_payment=choice.down_payment,
    )


def consent_wording(collector: str) -> str:
    """The consent sentence shown beside the agree button, in the page's language; stored verbatim."""
    return _(
        "I agree to this plan. %(collector)s may keep the card I enter here and charge it for each "
        "payment above, on its date, for the amount shown. I can change the card or stop future "
        "payments at any time by contacting %(collector)s.",
        collector=collector,
    )


def agree(
    account: Account,
    choice: PlanChoice,
    today: date,
    *,
    payment_method_id: str,
    card_brand: str,
    card_last4: str,
    consent_text: str,
) -> Plan:
    """Write the plan and its instalments exactly as previewed, with the consent and policy version."""
    options = options_for(account, today)
    schedule = preview(account, choice, today)
    return _write_plan(
        account,
        policies.saved(options.policy_row, account.creditor),
        choice.frequency,
        schedule,
        card=(payment_method_id, card_brand, card_last4),
        consent_text=consent_text,
    )


def agree_schedule(
    account: Account,
    schedule: list[Scheduled],
    *,
    frequency: str,
    offer_id: int,
    payment_method_id: str,
    card_brand: str,
    card_last4: str,
    consent_text: str,
) -> Plan:
    """Write an ACTIVE plan from a schedule a person agreed outside the policy (the debtor's own
    offer, accepted or countered), so without the policy check. It runs, reminds and breaks like
    any plan, under the creditor's current policy version; the offer's id goes on the timeline.
    """
    total = sum(item.amount for item in schedule)
    if not schedule or total != account.balance.minor:
        raise ValueError("an agreed schedule pays exactly the balance")
    return _write_plan(
        account,
        policies.in_force(account.creditor),
        frequency,
        schedule,
        card=(payment_method_id, card_brand, card_last4),
        consent_text=consent_text,
        offer_id=offer_id,
    )


def _write_plan(account, policy_row, frequency, schedule, *, card, consent_text, **facts) -> Plan:
    payment_method_id, card_brand, card_last4 = card
    # Another tab may have paid, settled or agreed a plan since the schedule was worked out:
    # decide under the account's lock, with what is owed read afresh.
    locked = attempts.lock(account.id)
    if ledger.active_plan(account.id) is not None:
        raise OutsidePolicy("plan_in_force")
    if sum(item.amount for item in schedule) != attempts.owed_now(locked):
        raise OutsidePolicy("balance_changed")
    plan = Plan(
        account_id=account.id,
        active_account_id=account.id,
        policy_id=policy_row.id,
        kind=PlanKind.INSTALMENTS,
        status=PlanStatus.ACTIVE,
        frequency=frequency,
        currency=account.currency,
        total=sum(p.amount for p in schedule),
        stripe_payment_method_id=payment_method_id,
        card_brand=card_brand,
        card_last4=card_last4,
        consent_text=consent_text,
        consent_at=utcnow(),
    )
    db.session.add(plan)
    for item in schedule:
        plan.instalments.append(
            Instalment(number=item.number, due_date=item.due, amount=item.amount, next_attempt_on=item.due)
        )
    db.session.flush()
    timeline.record(
        account,
        "plan_agreed",
        actor="debtor",
        plan_id=plan.id,
        frequency=frequency,
        instalments=len(schedule),
        total=plan.total,
        policy_version=policy_row.version,
        first_due=schedule[0].due.isoformat(),
        **facts,
    )
    return plan
