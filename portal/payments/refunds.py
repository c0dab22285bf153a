"""Refunds a supervisor makes through Stripe, exactly once.

The refund is written (with its idempotency key, derived from the row) and committed before Stripe
hears of it, holding the payment's one slot for a refund in flight; the person's request names the
amount already refunded that they saw, so two people refunding one payment at once make one refund.
A refund Stripe never answered stays pending: asking again first looks at Stripe for it by the row
id in its metadata, so it is not made twice even where keys are not honoured (localstripe).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import clock, timeline
from portal.accounts import ledger
from portal.domain import transitions
from portal.extensions import db
from portal.models import Payment
from portal.models.payments import PaymentRefund, RefundStatus
from portal.models.types import utcnow
from portal.notify import refund_emails
from portal.payments import attempts
from portal.payments.gateway import CardDeclined, GatewayUnavailable, get_gateway

log = logging.getLogger("portal.payments")

#: How long a request may talk to Stripe for a refund before another may ask again.
CLAIM = timedelta(minutes=10)
#: The metadata Stripe keeps on each refund, naming our row.
MARK = "portal_refund_id"

SUCCEEDED = "succeeded"
DECLINED = "declined"
UNANSWERED = "unanswered"


class RefundRefused(Exception):
    """Nothing was asked of Stripe: *reason* says why."""

    NO_INTENT = "no_intent"  # received outside the portal: nothing at Stripe to refund
    OVERPAYMENT_DUE = "overpayment_due"  # its over-payment's own refund is still to be made
    BUSY = "busy"  # another refund of this payment is on its way to Stripe
    CHANGED = "changed"  # refunded meanwhile: the figures the person saw are out of date
    TOO_MUCH = "too_much"  # more than is left to refund

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Asked:
    """What Stripe said: SUCCEEDED, DECLINED (with its code) or UNANSWERED (still pending)."""

    refund: PaymentRefund
    outcome: str
    code: str | None = None


def pending(payment_id: int) -> PaymentRefund | None:
    return db.session.scalar(
        select(PaymentRefund)
        .where(PaymentRefund.live_payment_id == payment_id)
        .execution_options(populate_existing=True)
    )


def begin(
    payment: Payment, *, amount: int, reason: str, seen_refunded: int, actor: str, by: str
) -> PaymentRefund:
    """Write the refund under the account's lock and commit it; raises RefundRefused."""
    db.session.commit()
    account = attempts.lock(payment.account_id)
    db.session.refresh(payment)
    if payment.stripe_payment_intent_id is None:
        db.session.rollback()
        raise RefundRefused(RefundRefused.NO_INTENT)
    if payment.refunded and payment.stripe_refund_id is None:
        db.session.rollback()
        raise RefundRefused(RefundRefused.OVERPAYMENT_DUE)
    number = 1 + (
        db.session.scalar(
            select(func.count()).select_from(PaymentRefund).where(PaymentRefund.payment_id == payment.id)
        )
        or 0
    )
    refund = PaymentRefund(
        payment_id=payment.id,
        account_id=account.id,
        live_payment_id=payment.id,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=f"payment-{payment.id}-refund-{number}",
        claimed_until=utcnow() + CLAIM,
        requested_by=actor,
    )
    try:
        db.session.add(refund)
        db.session.flush()  # the slot is ours (and on SQLite the write lock): read the payment again
    except IntegrityError:
        db.session.rollback()
        raise RefundRefused(RefundRefused.BUSY) from None
    db.session.refresh(payment)
    if payment.refunded != seen_refunded:
        db.session.rollback()
        raise RefundRefused(RefundRefused.CHANGED)
    if not 0 < amount <= payment.refundable:
        db.session.rollback()
        raise RefundRefused(RefundRefused.TOO_MUCH)
    timeline.record(
        account,
        "refund_requested",
        actor=actor,
        by=by,
        refund_id=refund.id,
        payment_id=payment.id,
        amount=amount,
        currency=refund.currency,
        note=reason,
    )
    db.session.commit()  # the refund exists before Stripe hears of it
    return refund


def ask(refund: PaymentRefund, *, actor: str, by: str) -> Asked:
    """Ask Stripe for a refund written by `begin` (and still claimed by this request)."""
    payment = refund.payment
    try:
        stripe_id = get_gateway().refund(
            payment.stripe_payment_intent_id,
            refund.amount,
            key=refund.idempotency_key,
            metadata={
                MARK: str(refund.id),
                "payment_id": str(payment.id),
                "account_id": str(refund.account_id),
            },
        )
    except CardDeclined as declined:
        return _failed(refund, declined.code, actor=actor, by=by)
    except GatewayUnavailable as error:
        if _refused(error):
            return _failed(refund, "refused", actor=actor, by=by)
        log.exception("Stripe did not answer refund %s", refund.id)
        _release(refund)
        return Asked(refund, UNANSWERED)
    return _succeeded(refund, stripe_id, actor=actor, by=by)


def ask_again(refund: PaymentRefund, *, actor: str, by: str) -> Asked:
    """A pending refund nobody is working on: find it at Stripe, or ask for it once more.

    Raises RefundRefused(BUSY) while another request holds it, or once it is settled.
    """
    now = utcnow()
    taken = db.session.execute(
        update(PaymentRefund)
        .where(
            PaymentRefund.id == refund.id,
            PaymentRefund.status == RefundStatus.PENDING,
            PaymentRefund.claimed_until.is_(None) | (PaymentRefund.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(refund)
    if not taken:
        raise RefundRefused(RefundRefused.BUSY)
    try:
        found = get_gateway().find_refund(refund.payment.stripe_payment_intent_id, MARK, str(refund.id))
    except GatewayUnavailable:
        log.exception("could not look for refund %s at Stripe", refund.id)
        _release(refund)
        return Asked(refund, UNANSWERED)
    if found:
        return _succeeded(refund, found, actor=actor, by=by)
    return ask(refund, actor=actor, by=by)


def _refused(error: GatewayUnavailable) -> bool:
    """True when Stripe answered and said no (a request it will refuse again), not when it was away."""
    status = getattr(error.__cause__, "http_status", None)
    return status is not None and 400 <= status < 500 and status not in (409, 429)


def _settle(refund: PaymentRefund, new: RefundStatus, **values) -> bool:
    """Move the pending refund to *new* in one conditional UPDATE, so only one request does."""
    transitions.REFUND.check(RefundStatus.PENDING, new)
    moved = db.session.execute(
        update(PaymentRefund)
        .where(PaymentRefund.id == refund.id, PaymentRefund.status == RefundStatus.PENDING)
        .values(status=new, live_payment_id=None, claimed_until=None, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return moved == 1


def _succeeded(refund: PaymentRefund, stripe_id: str, *, actor: str, by: str) -> Asked:
    account = attempts.lock(refund.account_id)
    if _settle(refund, RefundStatus.SUCCEEDED, stripe_refund_id=stripe_id):
        db.session.execute(
            update(Payment)
            .where(Payment.id == refund.payment_id)
            .values(
                refunded=Payment.refunded + refund.amount,
                stripe_refund_id=func.coalesce(Payment.stripe_refund_id, stripe_id),
            )
            .execution_options(synchronize_session=False)
        )
        payment = db.session.get(Payment, refund.payment_id, populate_existing=True)
        timeline.record(
            account,
            "payment_refunded_by_staff",
            actor=actor,
            by=by,
            refund_id=refund.id,
            payment_id=payment.id,
            amount=refund.amount,
            currency=refund.currency,
            stripe_refund_id=stripe_id,
        )
        ledger.apply_refund(account, payment)
        db.session.refresh(refund)
        refund_emails.queue_refund_notice(refund, clock.now())
    db.session.commit()
    db.session.refresh(refund)
    return Asked(refund, SUCCEEDED)


def _failed(refund: PaymentRefund, code: str, *, actor: str, by: str) -> Asked:
    attempts.lock(refund.account_id)
    if _settle(refund, RefundStatus.FAILED, failure_code=code):
        timeline.record(
            refund.account_id, "refund_failed", actor=actor, by=by, refund_id=refund.id, code=code
        )
    db.session.commit()
    db.session.refresh(refund)
    return Asked(refund, DECLINED, code)


def _release(refund: PaymentRefund) -> None:
    """Let go of the claim: the refund stays pending for a person to ask about again."""
    db.session.rollback()
    db.session.execute(
        update(PaymentRefund)
        .where(PaymentRefund.id == refund.id, PaymentRefund.status == RefundStatus.PENDING)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    timeline.record(refund.account_id, "refund_unanswered", refund_id=refund.id)
    db.session.commit()
    db.session.refresh(refund)
