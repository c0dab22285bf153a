"""Plans for tests: with a real card saved at localstripe or on the fake gateway (make_plan), or
rows written straight to the database for tests that need no card or Stripe (plan_rows)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import stripe

from portal.accounts import policies
from portal.domain.transitions import PLAN
from portal.extensions import db
from portal.models import Instalment, Plan, PlanKind, PlanStatus
from portal.models.types import utcnow
from portal.payments import service
from portal.plans import agreements
from tests.fakes.gateway import FakeGateway


def stripe_client(localstripe) -> stripe.StripeClient:
    return stripe.StripeClient(
        "sk_test_portal", base_addresses={"api": localstripe.url}, max_network_retries=0
    )


def saved_card(localstripe, account, number="4242424242424242") -> str:
    """Create a card PaymentMethod at localstripe (or on the fake gateway) for the account's customer;
    return its id."""
    service.customer_for(account)
    if isinstance(localstripe, FakeGateway):
        return localstripe.new_card(number)
    method = stripe_client(localstripe).v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    return method.id


def make_plan(
    localstripe,
    account,
    *,
    card="4242424242424242",
    count=3,
    frequency="monthly",
    first: date | None = None,
    policy_changes: dict | None = None,
) -> Plan:
    today = utcnow().date()
    if policy_changes:
        policies.change(account.creditor, policy_changes)
        db.session.commit()
    choice = agreements.PlanChoice(frequency=frequency, first_date=(first or today).isoformat(), count=count)
    plan = agreements.agree(
        account,
        choice,
        today,
        payment_method_id=saved_card(localstripe, account, card),
        card_brand="Visa",
        card_last4=card[-4:],
        consent_text="I agree (test wording).",
    )
    db.session.commit()
    return plan


def noon(day: date) -> datetime:
    """Midday UTC: inside contact hours in the Americas, so notices are sent."""
    return datetime.combine(day, time(17, 0), tzinfo=UTC)


def intents_for(localstripe, customer_id: str) -> list[dict]:
    if isinstance(localstripe, FakeGateway):
        return [vars(pi) for pi in localstripe.payment_intents.values() if pi.customer == customer_id]
    listing = stripe_client(localstripe).v1.payment_intents.list(params={"limit": 100})
    return [pi.to_dict() for pi in listing.data if pi.customer == customer_id]


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


class KeyHonouringGateway:
    """Stripe returns the first result again for a repeated idempotency key; localstripe does not.

    This wraps the app's gateway (the fake, which answers as localstripe does) and adds exactly
    that documented behaviour.
    """

    def __init__(self, real):
        self.real = real
        self.by_key = {}

    def charge_saved_card(self, **kwargs):
        if kwargs["key"] not in self.by_key:
            self.by_key[kwargs["key"]] = self.real.charge_saved_card(**kwargs)
        return self.by_key[kwargs["key"]]
