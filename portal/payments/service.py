"""Paying in full by card, and recording each payment exactly once whoever reports it first.

Every Stripe call that must not repeat happens behind an attempt row committed first, and
its idempotency key is derived from that row.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import timeline
from portal.domain.payment_states import check_transition
from portal.extensions import db
from portal.models import Account, AttemptStatus, Payment, PaymentAttempt, Purpose
from portal.notify import receipts
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, Intent, get_gateway
from portal.plans import ledger

log = logging.getLogger("portal.payments")


class Result(enum.StrEnum):
    SUCCEEDED = "succeeded"
    REQUIRES_ACTION = "requires_action"
    DECLINED = "declined"
    NOTHING_OWED = "nothing_owed"
    UNAVAILABLE = "unavailable"
    PROCESSING = "processing"


@dataclass
class Outcome:
    result: Result
    payment: Payment | None = None
    attempt: PaymentAttempt | None = None
    client_secret: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Charge:
    """What to charge and why; the routes work it out on the server from the purpose."""

    purpose: Purpose
    amount: int
    plan_id: int | None = None
    instalment_id: int | None = None


def move(attempt: PaymentAttempt, new: AttemptStatus, failure_code: str | None = None) -> None:
    """The one place an attempt changes state; a live attempt holds the account's live slot."""
    check_transition(attempt.status.value, new.value)
    attempt.status = new
    attempt.live_account_id = attempt.account_id if new is AttemptStatus.REQUIRES_ACTION else None
    if failure_code:
        attempt.failure_code = failure_code


def _lock(account: Account) -> Account:
    """Lock the account row (PostgreSQL) so two tabs cannot start two intents at once."""
    return db.session.scalars(select(Account).where(Account.id == account.id).with_for_update()).one()


def _customer_for(account: Account) -> str:
    debtor = account.debtor
    if not debtor.stripe_customer_id:
        debtor.stripe_customer_id = get_gateway().ensure_customer(
            None, key=f"debtor-{debtor.id}-customer", name=debtor.full_name, email=debtor.email
        )
        db.session.commit()
    return debtor.stripe_customer_id


def _cancel_live_attempts(account: Account) -> None:
    """Retire any earlier intent for this account so it never has two live ones."""
    live = db.session.scalars(
        select(PaymentAttempt).where(
            PaymentAttempt.account_id == account.id,
            PaymentAttempt.status.in_([AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION]),
        )
    ).all()
    for attempt in live:
        if attempt.stripe_payment_intent_id:
            intent = get_gateway().retrieve_intent(attempt.stripe_payment_intent_id)
            if intent.status == "succeeded":
                record_success(intent, source="reconciliation")
                continue
            if intent.status != "canceled":
                get_gateway().cancel_intent(intent.id)
        move(attempt, AttemptStatus.CANCELED)
        timeline.record(account, "payment_canceled", attempt_id=attempt.id)
    db.session.commit()


def customer_for(account: Account) -> str:
    """The debtor's Stripe customer, created once (idempotently) and remembered."""
    return _customer_for(account)


def pay_by_card(account: Account, charge: Charge, *, saved: Card) -> Outcome:
    """Charge a card saved to the debtor's customer (just now in a SetupIntent, or a plan's), on-session."""
    gateway = get_gateway()
    try:
        customer_id = _customer_for(account)
        card = saved
    except GatewayUnavailable:
        log.exception("Stripe unavailable while finding the customer")
        return Outcome(Result.UNAVAILABLE)

    try:
        _cancel_live_attempts(account)
    except GatewayUnavailable:
        log.exception("Stripe unavailable while retiring an earlier intent")
        return Outcome(Result.UNAVAILABLE)

    account = _lock(account)
    db.session.refresh(account)
    balance = account.balance
    if balance.minor <= 0 or account.is_closed:
        db.session.commit()
        return Outcome(Result.NOTHING_OWED)
    if not 0 < charge.amount <= balance.minor:
        db.session.commit()
        return Outcome(Result.DECLINED, code="amount_changed")
    attempt = new_attempt(account, charge, card)
    timeline.record(
        account,
        "payment_started",
        actor="debtor",
        attempt_id=attempt.id,
        amount=attempt.amount,
        currency=attempt.currency,
        purpose=charge.purpose.value,
    )
    db.session.commit()  # the attempt exists before Stripe hears of it

    try:
        intent = gateway.create_intent(
            amount=attempt.amount,
            currency=attempt.currency,
            customer_id=customer_id,
            card_id=card.id,
            key=attempt.idempotency_key,
            metadata={"account_id": str(account.id), "attempt_id": str(attempt.id)},
        )
        attempt.stripe_payment_intent_id = intent.id
        db.session.commit()
        intent = gateway.confirm_intent(intent.id)
    except CardDeclined as declined:
        return _failed(attempt, declined.code)
    except GatewayUnavailable:
        log.exception("Stripe unavailable while charging")
        return Outcome(Result.UNAVAILABLE, attempt=attempt)
    return _follow(attempt, intent)


def new_attempt(account: Account, charge: Charge, card: Card, *, off_session: bool = False) -> PaymentAttempt:
    """Record an attempt, holding the account's one live slot; its key is derived from the row."""
    number = 1 + (
        db.session.scalar(
            select(func.count()).select_from(PaymentAttempt).where(PaymentAttempt.account_id == account.id)
        )
        or 0
    )
    key = (
        f"instalment-{charge.instalment_id}-account-{account.id}-attempt-{number}"
        if charge.instalment_id
        else f"account-{account.id}-attempt-{number}"
    )
    attempt = PaymentAttempt(
        account_id=account.id,
        live_account_id=account.id,
        amount=charge.amount,
        currency=account.currency,
        purpose=charge.purpose,
        plan_id=charge.plan_id,
        instalment_id=charge.instalment_id,
        off_session=off_session,
        idempotency_key=key,
        stripe_payment_method_id=card.id,
        card_brand=card.brand,
        card_last4=card.last4,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def complete_after_authentication(account: Account, attempt_id: int) -> Outcome:
    """The browser came back from 3-D Secure: ask Stripe how the intent ended."""
    attempt = db.session.get(PaymentAttempt, attempt_id)
    if attempt is None or attempt.account_id != account.id or not attempt.stripe_payment_intent_id:
        return Outcome(Result.DECLINED, code="unknown_attempt")
    if attempt.status is AttemptStatus.SUCCEEDED:
        return Outcome(
            Result.SUCCEEDED, attempt=attempt, payment=_payment_for(attempt.stripe_payment_intent_id)
        )
    try:
        intent = get_gateway().retrieve_intent(attempt.stripe_payment_intent_id)
    except GatewayUnavailable:
        return Outcome(Result.UNAVAILABLE, attempt=attempt)
    return _follow(attempt, intent)


def _follow(attempt: PaymentAttempt, intent: Intent) -> Outcome:
    if intent.status == "succeeded":
        payment = record_success(intent, source="browser") or _payment_for(intent.id)
        return Outcome(Result.SUCCEEDED, attempt=attempt, payment=payment)
    if intent.status == "requires_action":
        if attempt.status is AttemptStatus.CREATED:
            move(attempt, AttemptStatus.REQUIRES_ACTION)
            timeline.record(attempt.account_id, "payment_needs_authentication", attempt_id=attempt.id)
            db.session.commit()
        return Outcome(Result.REQUIRES_ACTION, attempt=attempt, client_secret=intent.client_secret)
    if intent.status == "processing":
        return Outcome(Result.PROCESSING, attempt=attempt)
    return _failed(attempt, intent.error_code or "payment_intent_authentication_failure")


def fail(attempt: PaymentAttempt, code: str) -> Outcome:
    """Mark a live attempt failed (cancelling its intent) and say so on the timeline."""
    return _failed(attempt, code)


def _failed(attempt: PaymentAttempt, code: str) -> Outcome:
    db.session.refresh(attempt)
    if attempt.status in (AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION):
        if attempt.stripe_payment_intent_id:
            try:
                get_gateway().cancel_intent(attempt.stripe_payment_intent_id)
            except (GatewayUnavailable, CardDeclined):
                log.warning("could not cancel failed intent %s", attempt.stripe_payment_intent_id)
        move(attempt, AttemptStatus.FAILED, failure_code=code)
        timeline.record(
            attempt.account_id, "payment_failed", actor="stripe", attempt_id=attempt.id, code=code
        )
        db.session.commit()
    return Outcome(Result.DECLINED, attempt=attempt, code=code)


def _payment_for(intent_id: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent_id))


def record_success(intent: Intent, source: str) -> Payment | None:
    """Record the money once. Returns the new Payment, or None if it was already recorded."""
    if _payment_for(intent.id) is not None:
        return None
    attempt = db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent.id)
    )
    if attempt is None:
        log.warning("succeeded intent %s matches no attempt; ignored", intent.id)
        return None
    account = attempt.account
    payment = Payment(
        account_id=account.id,
        attempt_id=attempt.id,
        stripe_payment_intent_id=intent.id,
        amount=intent.amount,
        currency=intent.currency,
        card_brand=attempt.card_brand,
        card_last4=attempt.card_last4,
    )
    try:
        db.session.add(payment)
        db.session.flush()
    except IntegrityError:
        # Someone else (the webhook or the browser) recorded it a moment ago.
        db.session.rollback()
        return None
    if attempt.status is not AttemptStatus.SUCCEEDED:
        move(attempt, AttemptStatus.SUCCEEDED)
    timeline.record(
        account,
        "payment_succeeded",
        actor="stripe",
        source=source,
        payment_id=payment.id,
        amount=payment.amount,
        currency=payment.currency,
    )
    ledger.apply_payment(attempt, payment)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    receipts.send_receipt(payment)  # after the commit: a lost email must never lose a payment
    return payment


def record_failure_from_webhook(intent: Intent) -> None:
    attempt = db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent.id)
    )
    if attempt is not None and attempt.status in (AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION):
        # The browser usually reports this first; only act if it has not.
        if intent.status == "requires_payment_method":
            _failed(attempt, intent.error_code or "card_declined")
