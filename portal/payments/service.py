"""Paying by card on-session, and what the pages show after an attempt.

Every Stripe call that must not repeat happens behind an attempt row committed first, and its
idempotency key is derived from that row. Attempts are started (and earlier ones retired) in
attempts.py, under the account's lock; money is recorded in recording.py.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from sqlalchemy import select

from portal import timeline
from portal.domain.charges import NOTHING_OWED
from portal.extensions import db
from portal.models import Account, AttemptStatus, Payment, PaymentAttempt
from portal.payments import attempts
from portal.payments.attempts import BUSY, Charge, move, new_attempt
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, Intent, get_gateway
from portal.payments.recording import payment_for, record_success

log = logging.getLogger("portal.payments")

__all__ = ["Charge", "move", "new_attempt", "record_success"]


class Result(enum.StrEnum):
    SUCCEEDED = "succeeded"
    REQUIRES_ACTION = "requires_action"
    DECLINED = "declined"
    NOTHING_OWED = "nothing_owed"
    UNAVAILABLE = "unavailable"
    PROCESSING = "processing"
    BUSY = "busy"  # another payment on the account is still going through


@dataclass
class Outcome:
    result: Result
    payment: Payment | None = None
    attempt: PaymentAttempt | None = None
    client_secret: str | None = None
    code: str | None = None


def _customer_for(account: Account) -> str:
    debtor = account.debtor
    if not debtor.stripe_customer_id:
        debtor.stripe_customer_id = get_gateway().ensure_customer(
            None, key=f"debtor-{debtor.id}-customer", name=debtor.full_name, email=debtor.email
        )
        db.session.commit()
    return debtor.stripe_customer_id


def customer_for(account: Account) -> str:
    """The debtor's Stripe customer, created once (idempotently) and remembered."""
    return _customer_for(account)


def pay_by_card(account: Account, charge: Charge, *, saved: Card) -> Outcome:
    """Charge a card saved to the debtor's customer (just now in a SetupIntent, or a plan's), on-session."""
    card = saved
    try:
        customer_id = _customer_for(account)
    except GatewayUnavailable:
        log.exception("Stripe unavailable while finding the customer")
        return Outcome(Result.UNAVAILABLE)

    try:
        started = attempts.begin(account.id, charge, card, on_start=_started_by_debtor)
    except GatewayUnavailable:
        db.session.rollback()
        log.exception("Stripe unavailable while retiring an earlier intent")
        # That earlier payment may have been charged: never tell the debtor no money was taken.
        return Outcome(Result.UNAVAILABLE, code="unconfirmed")
    if started.attempt is None:
        return _refused(started.refusal)
    attempt = started.attempt
    try:
        return _charge(attempt, customer_id, card)
    finally:
        attempts.release(attempt)


def _started_by_debtor(account: Account, attempt: PaymentAttempt) -> None:
    timeline.record(
        account,
        "payment_started",
        actor="debtor",
        attempt_id=attempt.id,
        amount=attempt.amount,
        currency=attempt.currency,
        purpose=attempt.purpose.value,
    )


def _refused(refusal: str | None) -> Outcome:
    if refusal == NOTHING_OWED:
        return Outcome(Result.NOTHING_OWED)
    if refusal == BUSY:
        return Outcome(Result.BUSY)
    return Outcome(Result.DECLINED, code=refusal)


def _charge(attempt: PaymentAttempt, customer_id: str, card: Card) -> Outcome:
    """Create, hold, then confirm the attempt's intent; a retired attempt never confirms one."""
    gateway = get_gateway()
    try:
        intent = gateway.create_intent(
            amount=attempt.amount,
            currency=attempt.currency,
            customer_id=customer_id,
            card_id=card.id,
            key=attempt.idempotency_key,
            metadata={"account_id": str(attempt.account_id), "attempt_id": str(attempt.id)},
        )
    except CardDeclined as declined:
        return _failed(attempt, declined.code)
    except GatewayUnavailable:
        # Nothing was confirmed, so whatever Stripe may have made cannot take money.
        log.exception("Stripe unavailable while creating an intent")
        _failed(attempt, "unavailable")
        return Outcome(Result.UNAVAILABLE, attempt=attempt)
    if not attempts.hold_intent(attempt, intent.id):
        log.warning("attempt %s was retired while its intent %s was made", attempt.id, intent.id)
        try:
            attempts.stop_intent(intent.id)
        except GatewayUnavailable:
            log.warning("could not cancel unheld intent %s", intent.id)
        return Outcome(Result.BUSY, attempt=attempt)  # another request has taken over
    try:
        intent = gateway.confirm_intent(intent.id)
    except CardDeclined as declined:
        return _failed(attempt, declined.code)
    except GatewayUnavailable:
        # The confirm may or may not have reached Stripe: the claim is released, and whoever
        # looks next (the webhook, the debtor's next try) asks Stripe how it ended.
        log.exception("Stripe unavailable while charging")
        # Once the confirm was sent the card may have been charged; `reconcile` will find out.
        code = "unconfirmed" if attempt.stripe_payment_intent_id else None
        return Outcome(Result.UNAVAILABLE, attempt=attempt, code=code)
    return _follow(attempt, intent)


def complete_after_authentication(account: Account, attempt_id: int) -> Outcome:
    """The browser came back from 3-D Secure: ask Stripe how the intent ended."""
    attempt = db.session.get(PaymentAttempt, attempt_id)
    if attempt is None or attempt.account_id != account.id or not attempt.stripe_payment_intent_id:
        return Outcome(Result.DECLINED, code="unknown_attempt")
    if attempt.status is AttemptStatus.SUCCEEDED:
        return Outcome(
            Result.SUCCEEDED, attempt=attempt, payment=payment_for(attempt.stripe_payment_intent_id)
        )
    try:
        intent = get_gateway().retrieve_intent(attempt.stripe_payment_intent_id)
    except GatewayUnavailable:
        return Outcome(Result.UNAVAILABLE, attempt=attempt)
    return _follow(attempt, intent)


def _follow(attempt: PaymentAttempt, intent: Intent) -> Outcome:
    if intent.succeeded:
        payment = record_success(intent, source="browser") or payment_for(intent.id)
        return Outcome(Result.SUCCEEDED, attempt=attempt, payment=payment)
    if intent.needs_authentication:
        if attempt.status is AttemptStatus.CREATED:
            move(attempt, AttemptStatus.REQUIRES_ACTION)
            timeline.record(attempt.account_id, "payment_needs_authentication", attempt_id=attempt.id)
            db.session.commit()
        return Outcome(Result.REQUIRES_ACTION, attempt=attempt, client_secret=intent.client_secret)
    if intent.processing:
        return Outcome(Result.PROCESSING, attempt=attempt)
    return _failed(attempt, intent.error_code or "payment_intent_authentication_failure")


def fail(attempt: PaymentAttempt, code: str) -> Outcome:
    """Mark a live attempt failed (cancelling its intent) and say so on the timeline."""
    return _failed(attempt, code)


def _failed(attempt: PaymentAttempt, code: str) -> Outcome:
    db.session.rollback()
    db.session.refresh(attempt)
    if attempt.status in (AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION):
        if attempt.stripe_payment_intent_id:
            try:
                intent = attempts.stop_intent(attempt.stripe_payment_intent_id)
            except (GatewayUnavailable, CardDeclined):
                log.warning("could not cancel failed intent %s", attempt.stripe_payment_intent_id)
            else:
                if intent.succeeded:
                    # Stripe took the money after all (3-D Secure finished meanwhile): record it.
                    payment = record_success(intent, source="reconciliation") or payment_for(intent.id)
                    return Outcome(Result.SUCCEEDED, attempt=attempt, payment=payment)
        db.session.refresh(attempt)
        if attempt.status in (AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION):
            move(attempt, AttemptStatus.FAILED, failure_code=code)
            timeline.record(
                attempt.account_id, "payment_failed", actor="stripe", attempt_id=attempt.id, code=code
            )
            db.session.commit()
    return Outcome(Result.DECLINED, attempt=attempt, code=code)


def record_failure_from_webhook(intent: Intent) -> None:
    attempt = db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent.id)
    )
    if attempt is not None and attempt.status in (AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION):
        # The browser usually reports this first; only act if it has not.
        if intent.needs_payment_method:
            _failed(attempt, intent.error_code or "card_declined")
