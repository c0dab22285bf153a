"""Recording money Stripe took, exactly once, whoever reports it first and whatever our attempt says.

Stripe is the truth about money: a succeeded intent is always recorded, even for an attempt that
was retired or failed on our side. What it takes beyond what was still owed is refunded to the
card at once, and the debtor is told on the receipt page and in the receipt email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import clock, timeline
from portal.accounts import ledger
from portal.domain import contact
from portal.domain.charges import split_payment
from portal.extensions import db
from portal.models import Account, AttemptStatus, Payment, PaymentAttempt, Purpose
from portal.models.payments import OUTSIDE_METHODS
from portal.notify import receipts, rules
from portal.payments import attempts
from portal.payments.gateway import CardDeclined, GatewayUnavailable, Intent, get_gateway

log = logging.getLogger("portal.payments")


def payment_for(intent_id: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent_id))


def _attempt_for(intent: Intent) -> PaymentAttempt | None:
    attempt = db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent.id)
    )
    if attempt is not None or intent.attempt_id is None:
        return attempt
    # The intent's id never reached our records (a crash, or an attempt retired meanwhile): its
    # metadata still names the attempt, which must belong to the account it names too.
    attempt = db.session.get(PaymentAttempt, intent.attempt_id)
    if attempt is None or attempt.account_id != intent.account_id:
        return None
    if attempt.stripe_payment_intent_id is None:
        db.session.execute(
            update(PaymentAttempt)
            .where(PaymentAttempt.id == attempt.id, PaymentAttempt.stripe_payment_intent_id.is_(None))
            .values(stripe_payment_intent_id=intent.id)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        db.session.refresh(attempt)
    return attempt


def record_success(intent: Intent, source: str) -> Payment | None:
    """Record the money once. Returns the new Payment, or None if it was already recorded."""
    if payment_for(intent.id) is not None:
        return None
    attempt = _attempt_for(intent)
    if attempt is None:
        log.warning("succeeded intent %s matches no attempt; ignored", intent.id)
        return None
    account = attempts.lock(attempt.account_id)
    db.session.refresh(attempt)
    if payment_for(intent.id) is not None:
        db.session.rollback()  # recorded by someone else while we waited for the lock
        return None
    payment = Payment(
        account_id=account.id,
        attempt_id=attempt.id,
        stripe_payment_intent_id=intent.id,
        amount=intent.amount,
        currency=intent.currency,
        card_brand=attempt.card_brand,
        card_last4=attempt.card_last4,
        refunded=0,
    )
    try:
        db.session.add(payment)
        db.session.flush()  # on SQLite this takes the write lock before what is owed is read
    except IntegrityError:
        db.session.rollback()  # the webhook or the browser recorded it a moment ago
        return None
    # What was owed before this payment; a paid, settled or closed account owes nothing.
    owed = attempts.owed_now(account) + payment.amount if attempts.is_open(account) else 0
    split = split_payment(payment.amount, owed)
    payment.refunded = split.excess
    if attempt.status is not AttemptStatus.SUCCEEDED:
        attempts.move(attempt, AttemptStatus.SUCCEEDED)
    timeline.record(
        account,
        "payment_succeeded",
        actor="stripe",
        source=source,
        payment_id=payment.id,
        amount=payment.amount,
        currency=payment.currency,
    )
    if split.kept:
        ledger.apply_payment(attempt, payment)
    if split.excess:
        timeline.record(
            account,
            "overpayment_found",
            payment_id=payment.id,
            amount=split.excess,
            currency=payment.currency,
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    if split.excess:
        refund_overpayment(payment)
    receipts.send_receipt(payment)  # after the commit: a lost email must never lose a payment
    return payment


def refund_overpayment(payment: Payment) -> bool:
    """Give back the payment's over-payment at Stripe, once (the key is derived from the payment).

    True when Stripe has it; False leaves it recorded as due, to be tried again.
    """
    if payment.refunded <= 0 or payment.stripe_refund_id:
        return True
    try:
        refund_id = get_gateway().refund(
            payment.stripe_payment_intent_id,
            payment.refunded,
            key=f"payment-{payment.id}-overpayment-refund",
        )
    except (GatewayUnavailable, CardDeclined):
        log.exception("could not refund the over-payment on payment %s", payment.id)
        timeline.record(payment.account_id, "overpayment_refund_failed", payment_id=payment.id)
        db.session.commit()
        return False
    done = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.stripe_refund_id.is_(None))
        .values(stripe_refund_id=refund_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        timeline.record(
            payment.account_id,
            "overpayment_refunded",
            payment_id=payment.id,
            amount=payment.refunded,
            currency=payment.currency,
        )
    db.session.commit()
    db.session.refresh(payment)
    return True


class OutsidePaymentRefused(Exception):
    """Money received outside the portal that cannot be recorded: *reason* is OVER_BALANCE (with
    what is owed in *owed*) or DUPLICATE (that method and reference are on the account already)."""

    OVER_BALANCE = "over_balance"
    DUPLICATE = "duplicate"

    def __init__(self, reason: str, owed: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.owed = owed


@dataclass(frozen=True)
class _NoAttempt:
    """What `ledger.apply_payment` reads of an attempt, for money that came without one: a payment
    towards the balance, for no instalment and no settlement."""

    account: Account
    purpose: Purpose = Purpose.PART
    instalment_id: None = None


def local_today(account: Account) -> date:
    """Today on the account's clock: money cannot have been received after it."""
    return contact.local_date(clock.now(), rules.contact_zone(account))


def received_at(account: Account, received_on: date) -> datetime:
    """When to say money received on *received_on* (the account's calendar) was paid: now if that
    is today, else midday that day, so it sorts and counts in the week it came."""
    today = local_today(account)
    if received_on > today:
        raise ValueError("money cannot be received in the future")
    if received_on == today:
        return clock.now()
    zone = ZoneInfo(rules.contact_zone(account))
    return datetime.combine(received_on, time(12), tzinfo=zone).astimezone(UTC)


def _same_reference(account_id: int, method: str, reference: str, but: int) -> bool:
    found = db.session.scalar(
        select(Payment.id).where(
            Payment.account_id == account_id,
            Payment.method == method,
            func.lower(Payment.reference) == reference.lower(),
            Payment.id != but,
        )
    )
    return found is not None


def record_outside(
    account_id: int,
    *,
    amount: int,
    method: str,
    reference: str,
    received_on: date,
    actor: str,
    by: str | None = None,
) -> Payment:
    """Record money a person says arrived outside the portal (a cheque, a bank transfer), applied
    through the ledger as a card payment is; commits. Raises OutsidePaymentRefused.

    Then the debtor's receipt is queued, as after a card payment: it says how the money came and
    its reference (see notify/receipts.py), and a lost email never loses the payment.
    """
    if method not in OUTSIDE_METHODS:
        raise ValueError(f"{method!r} is not a way money comes outside the portal")
    account = attempts.lock(account_id)
    payment = Payment(
        account_id=account.id,
        amount=amount,
        currency=account.currency,
        method=method,
        reference=reference,
        paid_at=received_at(account, received_on),
        refunded=0,
    )
    try:
        db.session.add(payment)
        # As in record_success: on SQLite the INSERT takes the write lock before anything is read.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise OutsidePaymentRefused(OutsidePaymentRefused.DUPLICATE) from None
    if _same_reference(account.id, method, reference, but=payment.id):
        db.session.rollback()
        raise OutsidePaymentRefused(OutsidePaymentRefused.DUPLICATE)
    owed = attempts.owed_now(account) + amount if attempts.is_open(account) else 0
    if amount > owed:
        db.session.rollback()
        raise OutsidePaymentRefused(OutsidePaymentRefused.OVER_BALANCE, owed)
    data = {"by": by} if by else {}
    timeline.record(
        account,
        "payment_recorded_by_staff",
        actor=actor,
        payment_id=payment.id,
        amount=amount,
        currency=payment.currency,
        method=method,
        reference=reference,
        received_on=received_on.isoformat(),
        **data,
    )
    ledger.apply_payment(_NoAttempt(account), payment)
    db.session.commit()
    receipts.send_receipt(payment)
    return payment
