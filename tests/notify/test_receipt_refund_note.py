"""A receipt speaks of giving back what was paid beyond the balance, never of a refund a
supervisor made later for another reason (that has its own email)."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Payment
from portal.models.payments import PaymentRefund, RefundStatus
from portal.notify import receipts


def _payment(account, refunded: int) -> Payment:
    payment = Payment(account=account, amount=5000, currency="USD", method="card", refunded=refunded)
    db.session.add(payment)
    db.session.commit()
    return payment


def test_an_over_payment_given_back_is_on_the_receipt(app, make_account):
    payment = _payment(make_account(), refunded=500)
    with app.test_request_context():
        assert "we are giving $5.00 back to your card" in receipts.facts(payment).refund_note


def test_a_refund_staff_made_later_is_not_called_an_over_payment(app, make_account):
    account = make_account()
    payment = _payment(account, refunded=1000)
    refund = PaymentRefund(
        payment_id=payment.id,
        account_id=account.id,
        amount=1000,
        currency="USD",
        reason="Charged for a fee that was waived.",
        idempotency_key="refund-test-1",
        requested_by="supervisor@example.com",
    )
    db.session.add(refund)
    db.session.commit()
    refund.status = RefundStatus.SUCCEEDED  # as Stripe's answer moves it
    db.session.commit()
    with app.test_request_context():
        assert receipts.facts(payment).refund_note is None
