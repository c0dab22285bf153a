"""Building the Results page's scenarios: links through the links service, payments by card on the
fake gateway, and payment rows at exact moments (the payment recorder always stamps the real time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from portal.extensions import db
from portal.links import identity_check
from portal.links import service as links
from portal.models import Payment, Purpose
from portal.payments import service as payments
from portal.payments.gateway import Card
from tests.fakes.gateway import VISA_OK, FakeGateway
from tests.helpers.settings import WEBHOOK_SECRET


def at(day: date, hour: int = 12, *rest: int) -> datetime:
    return datetime.combine(day, time(hour, *rest), UTC)


def link(account, *, opened=False, confirmed=False):
    """Issue a link, and open it and pass the identity check if asked, as the debtor would."""
    issued = links.issue(account)
    if opened:
        links.note_opened(issued)
    if confirmed:
        assert identity_check.answer(issued, lambda: True).verdict is identity_check.Verdict.RIGHT
    db.session.commit()
    return issued


def paid(account, moment: datetime, amount: int, refunded: int = 0) -> Payment:
    """A payment row as the payment recorder writes it, at *moment*."""
    payment = Payment(
        account_id=account.id,
        stripe_payment_intent_id=f"pi_{account.id}_{moment.timestamp()}_{amount}",
        amount=amount,
        refunded=refunded,
        currency=account.currency,
        paid_at=moment,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def fake_gateway(app) -> FakeGateway:
    """Card payments on the fake gateway for the rest of the test."""
    fake = FakeGateway(webhook_secret=WEBHOOK_SECRET)
    app.extensions["portal.gateway"] = fake
    return fake


def pay_by_card(gateway, account, amount: int | None = None, purpose: Purpose = Purpose.FULL) -> Payment:
    """Pay on-session as the debtor does on the pay page (recorded at the real time)."""
    card = Card(gateway.new_card(VISA_OK, payments.customer_for(account)), "Visa", "4242")
    amount = account.balance.minor if amount is None else amount
    outcome = payments.pay_by_card(account, payments.Charge(purpose, amount), saved=card)
    assert outcome.result is payments.Result.SUCCEEDED, outcome
    return outcome.payment
