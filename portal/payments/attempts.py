"""Starting, claiming and retiring card attempts: the account's one live slot, taken under its lock.

Every way to pay (the debtor's pages and the runner) starts its attempt through `begin`: the
account row is locked and re-read first, any earlier attempt is retired or waited for, the charge
is checked against what is still owed, and only then is the attempt written, holding the slot.

On PostgreSQL the lock (FOR NO KEY UPDATE, so unrelated inserts that reference the account are
not held up) serialises these decisions and the recording of payments. SQLite has no row locks;
there the unique slot, the conditional UPDATEs on the attempt's status and SQLite's single writer
do the same work: the charge is checked again after the slot's INSERT, when this transaction holds
the database's write lock and nobody else can record a payment until it ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import timeline
from portal.domain import charges, transitions
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    AttemptStatus,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentAttempt,
    PlanStatus,
    Purpose,
)
from portal.models.payments import LIVE_STATUSES
from portal.models.types import utcnow
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, Intent, get_gateway

log = logging.getLogger("portal.payments")

#: How long a request may talk to Stripe for an attempt before others may treat it as abandoned.
CLAIM = timedelta(minutes=10)
#: How long a debtor's request waits for another request's payment on the account to finish.
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05
_MAX_RETIREMENTS = 3  # a live attempt that will not retire is waited for, never looped on
BUSY = "busy"


@dataclass(frozen=True)
class Charge:
    """What to charge and why; the routes work it out on the server from the purpose.

    *basis* is what the account owed when *amount* was worked out: if that has changed by the
    time the account is locked, nothing is charged and the debtor sees the new figures.
    """

    purpose: Purpose
    amount: int
    plan_id: int | None = None
    instalment_id: int | None = None
    basis: int | None = None


@dataclass(frozen=True)
class Started:
    """The attempt written (and committed) for a charge, or why none was: a refusal code."""

    attempt: PaymentAttempt | None = None
    refusal: str | None = None


def lock(account_id: int) -> Account:
    """Lock the account row (PostgreSQL) and read it afresh."""
    return db.session.scalars(
        select(Account)
        .where(Account.id == account_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def is_open(account: Account) -> bool:
    return account.status is AccountStatus.OPEN


def owed_now(account: Account) -> int:
    """What the account still owes, summed in the database now (not from a cached list)."""
    if not is_open(account):
        return 0
    kept = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount - Payment.refunded), 0)).where(
            Payment.account_id == account.id
        )
    )
    return account.total_owed.minor - int(kept or 0) - account.forgiven


def move(attempt: PaymentAttempt, new: AttemptStatus, failure_code: str | None = None) -> None:
    """The one place an attempt changes state; a live attempt holds the account's live slot."""
    transitions.ATTEMPT.move(attempt, new)
    attempt.live_account_id = attempt.account_id if new in LIVE_STATUSES else None
    if new is not AttemptStatus.CREATED:
        attempt.claimed_until = None
    if failure_code:
        attempt.failure_code = failure_code


def in_flight(attempt: PaymentAttempt) -> bool:
    """True while another request is (or may still be) talking to Stripe for this attempt."""
    return (
        attempt.status is AttemptStatus.CREATED
        and attempt.claimed_until is not None
        and attempt.claimed_until > utcnow()
    )


def _live(account_id: int) -> list[PaymentAttempt]:
    return db.session.scalars(
        select(PaymentAttempt)
        .where(PaymentAttempt.account_id == account_id, PaymentAttempt.status.in_(LIVE_STATUSES))
        .execution_options(populate_existing=True)
    ).all()


def begin(
    account_id: int,
    charge: Charge,
    card: Card,
    *,
    on_start: Callable[[Account, PaymentAttempt], None],
    off_session: bool = False,
    wait: float = WAIT_SECONDS,
) -> Started:
    """Write and claim the attempt for *charge* once nothing else is live on the account.

    A debtor's request retires an abandoned attempt (3-D Secure left unfinished, or a claim that
    lapsed) and waits up to *wait* seconds for one still in flight. The runner (*off_session*)
    retires nothing: it settles its own instalment's attempts first. *on_start* adds the
    timeline entry (and anything else) to the same transaction.
    """
    deadline = time.monotonic() + wait
    retirements = 0
    while True:
        db.session.commit()  # whatever the request had open ends here: the lock comes first
        account = lock(account_id)
        live = _live(account_id)
        # The runner never retires the debtor's attempts; it comes back on its next run.
        busy = [a for a in live if in_flight(a) or off_session]
        if not busy and live and retirements < _MAX_RETIREMENTS:
            retirements += 1
            for attempt in live:
                retire(attempt)  # may ask Stripe, and record money it took; it commits
            continue  # look again, from the lock, at what is owed now
        if not busy and not live:
            started = _start(account, charge, card, on_start, off_session)
            if started.refusal != BUSY:
                return started
        db.session.rollback()
        if time.monotonic() >= deadline:
            return Started(refusal=BUSY)
        time.sleep(_POLL_SECONDS)


def _refusal(account: Account, charge: Charge) -> str | None:
    due = None
    if charge.instalment_id is not None:
        instalment = db.session.scalars(
            select(Instalment)
            .where(Instalment.id == charge.instalment_id)
            .options(joinedload(Instalment.plan))
            .execution_options(populate_existing=True)
        ).one_or_none()
        due = (
            instalment is not None
            and instalment.status is InstalmentStatus.SCHEDULED
            and instalment.plan.status is PlanStatus.ACTIVE
        )
    return charges.refusal(
        charge.amount,
        owed_now(account),
        basis=charge.basis,
        is_open=account.status is AccountStatus.OPEN,
        instalment_due=due,
    )


def _start(account: Account, charge: Charge, card: Card, on_start, off_session: bool) -> Started:
    refusal = _refusal(account, charge)
    if refusal:
        db.session.rollback()
        return Started(refusal=refusal)
    try:
        attempt = new_attempt(account, charge, card, off_session=off_session)
    except IntegrityError:
        db.session.rollback()  # someone took the slot between our look and our insert
        return Started(refusal=BUSY)
    # The slot is ours and, on SQLite, so is the write lock: read what is owed once more. On
    # PostgreSQL the account's row lock, which recording a payment takes too, has been held since
    # the first read, so what it read still stands.
    refusal = _refusal(account, charge) if db.session.get_bind().dialect.name == "sqlite" else None
    if refusal:
        db.session.rollback()
        return Started(refusal=refusal)
    on_start(account, attempt)
    db.session.commit()  # the attempt exists before Stripe hears of it
    return Started(attempt=attempt)


def new_attempt(account: Account, charge: Charge, card: Card, *, off_session: bool = False) -> PaymentAttempt:
    """Record an attempt, holding the account's one live slot and claimed by this process."""
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
        claimed_until=utcnow() + CLAIM,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def take_over(attempt: PaymentAttempt) -> bool:
    """Claim an unfinished attempt nobody holds (the runner resuming after a crash).

    False if it was retired, or another process still holds its claim.
    """
    now = utcnow()
    unclaimed = PaymentAttempt.claimed_until.is_(None) | (PaymentAttempt.claimed_until < now)
    return _guarded(attempt, unclaimed, claimed_until=now + CLAIM)


def hold_intent(attempt: PaymentAttempt, intent_id: str) -> bool:
    """Write the intent's id on the attempt, only while it is still ours and unretired.

    False means the attempt was retired while Stripe made the intent: it must never be confirmed.
    """
    return _guarded(
        attempt,
        PaymentAttempt.stripe_payment_intent_id.is_(None),
        stripe_payment_intent_id=intent_id,
        claimed_until=utcnow() + CLAIM,
    )


def release(attempt: PaymentAttempt) -> None:
    """Let go of the claim: an attempt left CREATED may now be settled by the next request."""
    attempt_id = inspect(attempt).identity[0]  # no read: the transaction may have failed
    db.session.rollback()
    let_go(attempt_id)
    db.session.commit()


def let_go(attempt_id: int) -> None:
    """`release` inside the caller's transaction, which commits it (with its own release)."""
    db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt_id, PaymentAttempt.status == AttemptStatus.CREATED)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def _guarded(attempt: PaymentAttempt, *extra, **values) -> bool:
    changed = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status == AttemptStatus.CREATED, *extra)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(attempt)
    return changed == 1


def stop_intent(intent_id: str) -> Intent:
    """Cancel an intent at Stripe; if it cannot be cancelled, how it stands (it may have succeeded)."""
    gateway = get_gateway()
    try:
        return gateway.cancel_intent(intent_id)
    except (GatewayUnavailable, CardDeclined):
        # Stripe refuses to cancel a finished intent (or did not answer): ask how it stands.
        intent = gateway.retrieve_intent(intent_id)
        if intent.still_usable:
            raise GatewayUnavailable(f"could not cancel {intent_id}") from None
        return intent


def retire(attempt: PaymentAttempt) -> None:
    """Retire a live attempt nobody is working on: cancel its intent, or record what it took."""
    from portal.payments.recording import record_success

    if attempt.stripe_payment_intent_id is None:
        # No intent was ever written: one created now can only be held by hold_intent, which
        # checks the status this conditional UPDATE changes, so it is never confirmed. The move is
        # transitions.ATTEMPT's created -> canceled, made in SQL so that only one request makes it.
        retired = db.session.execute(
            update(PaymentAttempt)
            .where(
                PaymentAttempt.id == attempt.id,
                PaymentAttempt.status == AttemptStatus.CREATED,
                PaymentAttempt.stripe_payment_intent_id.is_(None),
            )
            .values(status=AttemptStatus.CANCELED, live_account_id=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if retired:
            timeline.record(attempt.account_id, "payment_canceled", attempt_id=attempt.id)
        db.session.commit()
        return
    intent = stop_intent(attempt.stripe_payment_intent_id)
    if intent.succeeded:
        record_success(intent, source="reconciliation")
    db.session.refresh(attempt)
    if attempt.status in LIVE_STATUSES and intent.succeeded:
        move(attempt, AttemptStatus.SUCCEEDED)  # its payment was recorded before; the row lagged
    elif attempt.status in LIVE_STATUSES:
        move(attempt, AttemptStatus.CANCELED)
        timeline.record(attempt.account_id, "payment_canceled", attempt_id=attempt.id)
    db.session.commit()
