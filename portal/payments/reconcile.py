"""Compare our attempts and payments with Stripe's PaymentIntents; fix what is safe, report the rest.

Stripe is the truth about money. A difference we can settle from Stripe's answer alone (money taken
but not recorded, an attempt left live whose intent ended, an intent saved nowhere) is fixed through
the same functions the browser and the webhook use; anything that needs a person is reported.
"""

from __future__ import annotations

import enum
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal import clock, timeline
from portal.extensions import db
from portal.models import AttemptStatus, Payment, PaymentAttempt
from portal.models.payments import LIVE_STATUSES
from portal.models.types import utcnow
from portal.payments import recording, service
from portal.payments.gateway import CardDeclined, GatewayUnavailable, Intent, UnknownIntent, get_gateway

log = logging.getLogger("portal.reconcile")

#: Our clock and Stripe's may disagree a little; look this much further back at Stripe.
CLOCK_SKEW = timedelta(minutes=5)


class Kind(enum.StrEnum):
    UNRECORDED_PAYMENT = "unrecorded_payment"  # succeeded at Stripe, no Payment here
    UNLINKED_ATTEMPT = "unlinked_attempt"  # our attempt never saved the id of its intent
    STALE_ATTEMPT = "stale_attempt"  # live here, failed or canceled at Stripe
    ABANDONED_ATTEMPT = "abandoned_attempt"  # live here, never confirmed, nobody is coming back
    DUPLICATE_INTENT = "duplicate_intent"  # a second, unpaid intent for one attempt
    LEFTOVER_INTENT = "leftover_intent"  # still open at Stripe for an attempt we finished
    DUPLICATE_CHARGE = "duplicate_charge"  # a second, succeeded intent for one attempt
    UNKNOWN_INTENT = "unknown_intent"  # its metadata names no attempt of ours
    PAYMENT_NOT_SUCCEEDED = "payment_not_succeeded"  # recorded here, not succeeded at Stripe
    PAYMENT_WITHOUT_INTENT = "payment_without_intent"  # recorded here, unknown at Stripe
    AMOUNT_MISMATCH = "amount_mismatch"  # amount or currency differ
    REFUND_DUE = "refund_due"  # an over-payment to give back that Stripe has not accepted yet


@dataclass(frozen=True)
class Difference:
    kind: Kind
    fixed: bool
    intent_id: str | None = None
    attempt_id: int | None = None


@dataclass
class Report:
    intents_checked: int = 0
    attempts_checked: int = 0
    payments_checked: int = 0
    differences: list[Difference] = field(default_factory=list)

    def add(self, kind: Kind, fixed: bool, intent_id: str | None = None, attempt_id: int | None = None):
        self.differences.append(Difference(kind, fixed, intent_id, attempt_id))

    @property
    def unresolved(self) -> list[Difference]:
        return [d for d in self.differences if not d.fixed]

    def counts(self) -> dict[tuple[Kind, bool], int]:
        return dict(Counter((d.kind, d.fixed) for d in self.differences))

    def summary_lines(self) -> list[str]:
        """Counts by kind, fixed or reported, then one line per reported difference (ids only)."""
        lines = [
            f"Checked {self.intents_checked} PaymentIntents, {self.attempts_checked} attempts, "
            f"{self.payments_checked} payments."
        ]
        counts = self.counts()
        for kind in Kind:
            fixed, reported = counts.get((kind, True), 0), counts.get((kind, False), 0)
            if fixed or reported:
                lines.append(f"{kind.value}: {fixed} fixed, {reported} reported")
        if not self.differences:
            lines.append("No differences.")
        for diff in self.unresolved:
            lines.append(f"reported {diff.kind.value}: intent={diff.intent_id} attempt={diff.attempt_id}")
        return lines


def reconcile(since: datetime | None = None, *, grace: timedelta = timedelta(minutes=15)) -> Report:
    """Reconcile everything created since *since* (all when None).

    Attempts younger than *grace* are left alone: they may still be on their way to Stripe. Every
    over-payment still to be given back is tried again, however old: that money is the debtor's.
    """
    report = Report()
    gateway = get_gateway()
    listed = list(gateway.list_intents(int((since - CLOCK_SKEW).timestamp()) if since else None))
    report.intents_checked = len(listed)
    linked = _link_attempts(listed, report)
    for intent in listed:
        attempt = linked.get(intent.id)
        if attempt is not None:
            _check_intent(intent, attempt, report)
    _check_payments(since, {intent.id for intent in listed}, report)
    _check_abandoned(since, grace, report)
    _retry_refunds(report)
    return report


def _payment_for(intent_id: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent_id))


def _attempt_with_intent(intent_id: str) -> PaymentAttempt | None:
    return db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.stripe_payment_intent_id == intent_id)
    )


def _attempt_named(intent: Intent) -> PaymentAttempt | None:
    """The attempt the intent's metadata names, if account, amount and currency agree too.

    Row ids repeat across databases (a test or staging copy on the same Stripe account), so the
    attempt id alone is not enough to claim an intent.
    """
    attempt = db.session.get(PaymentAttempt, intent.attempt_id) if intent.attempt_id else None
    if attempt is None:
        return None
    same = (
        attempt.account_id == intent.account_id
        and attempt.amount == intent.amount
        and attempt.currency.upper() == intent.currency.upper()
    )
    return attempt if same else None


def _preference(intent: Intent) -> tuple[int, int]:
    """Which of several intents for one attempt to link: one that took money, else the newest."""
    return (intent.closeness_to_paid, -(intent.created or 0))


def _link_attempts(listed: list[Intent], report: Report) -> dict[str, PaymentAttempt]:
    """Map each intent to its attempt, saving the id on attempts that lost it; handle the extras."""
    linked: dict[str, PaymentAttempt] = {}
    strays: dict[int, list[Intent]] = defaultdict(list)
    for intent in listed:
        attempt = _attempt_with_intent(intent.id)
        if attempt is not None:
            linked[intent.id] = attempt
            continue
        named = _attempt_named(intent)
        if named is None:
            report.add(Kind.UNKNOWN_INTENT, False, intent.id)
            continue
        strays[named.id].append(intent)
    for attempt_id, intents in strays.items():
        intents.sort(key=_preference)
        chosen = intents[0]
        attempt = _claim(
            attempt_id, PaymentAttempt.stripe_payment_intent_id.is_(None), stripe_payment_intent_id=chosen.id
        )
        if attempt is not None:
            _note(attempt, Kind.UNLINKED_ATTEMPT, chosen.id)
            db.session.commit()
            report.add(Kind.UNLINKED_ATTEMPT, True, chosen.id, attempt.id)
        else:  # it had its intent already, or another run linked it a moment ago
            attempt = db.session.get(PaymentAttempt, attempt_id, populate_existing=True)
        linked[attempt.stripe_payment_intent_id] = attempt
        for extra in intents:
            if extra.id != attempt.stripe_payment_intent_id:
                _extra_intent(extra, attempt, report)
    return linked


def _claim(attempt_id: int, *still, **values) -> PaymentAttempt | None:
    """Take the attempt's row for this transaction if it still matches *still*, else None.

    A conditional UPDATE takes the row lock on PostgreSQL and the write lock on SQLite alike, so of
    two runs (or a run and a webhook) looking at the same attempt only one goes on to change it.
    """
    claimed = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt_id, *still)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return None
    return db.session.get(PaymentAttempt, attempt_id, populate_existing=True)


def _cancel_at_stripe(intent_id: str) -> bool | None:
    """Cancel an intent: True if we did, False if it was already canceled, None if it would not."""
    try:
        get_gateway().cancel_intent(intent_id)
        return True
    except (GatewayUnavailable, CardDeclined):
        try:
            # Another run (or the debtor's next attempt) may have canceled it a moment ago.
            return False if get_gateway().retrieve_intent(intent_id).canceled else None
        except GatewayUnavailable:
            return None


def _extra_intent(intent: Intent, attempt: PaymentAttempt, report: Report) -> None:
    """An intent for an attempt that already has one (a create retried where keys are not honoured)."""
    if intent.succeeded:
        report.add(Kind.DUPLICATE_CHARGE, False, intent.id, attempt.id)
    elif intent.cancellable:
        _cancel_extra(intent, attempt, Kind.DUPLICATE_INTENT, report)


def _cancel_extra(intent: Intent, attempt: PaymentAttempt, kind: Kind, report: Report) -> None:
    canceled = _cancel_at_stripe(intent.id)
    if canceled is None:
        report.add(kind, False, intent.id, attempt.id)
    elif canceled:
        _note(attempt, kind, intent.id)
        db.session.commit()
        report.add(kind, True, intent.id, attempt.id)


def _check_intent(intent: Intent, attempt: PaymentAttempt, report: Report) -> None:
    payment = _payment_for(intent.id)
    if intent.succeeded:
        if payment is None:
            _record(intent, attempt, report)
        else:
            _compare(intent, payment, report)
        return
    if payment is not None:
        report.add(Kind.PAYMENT_NOT_SUCCEEDED, False, intent.id, attempt.id)
        return
    db.session.refresh(attempt)
    if attempt.status not in LIVE_STATUSES:
        if intent.cancellable:
            # We finished with this attempt, but its intent could still be confirmed: close it.
            _cancel_extra(intent, attempt, Kind.LEFTOVER_INTENT, report)
        return
    if intent.canceled:
        ended = AttemptStatus.CANCELED
    elif intent.needs_payment_method and intent.error_code:
        ended = AttemptStatus.FAILED
        _cancel_at_stripe(intent.id)  # as after any decline, so it cannot be confirmed later
    else:
        return  # still moving at Stripe (3-D Secure, processing), or never confirmed: see _check_abandoned
    attempt = _claim(attempt.id, PaymentAttempt.status.in_(list(LIVE_STATUSES)))
    if attempt is None:
        return  # someone else settled it while we looked
    service.move(attempt, ended, failure_code=intent.error_code)
    kind = "payment_canceled" if intent.canceled else "payment_failed"
    timeline.record(attempt.account_id, kind, actor="stripe", attempt_id=attempt.id, code=intent.error_code)
    _note(attempt, Kind.STALE_ATTEMPT, intent.id)
    db.session.commit()
    report.add(Kind.STALE_ATTEMPT, True, intent.id, attempt.id)


def _record(intent: Intent, attempt: PaymentAttempt, report: Report) -> None:
    payment = service.record_success(intent, source="reconciliation")
    if payment is None:
        # Recorded a moment ago by the webhook or the browser: no longer a difference.
        if _payment_for(intent.id) is None:
            report.add(Kind.UNRECORDED_PAYMENT, False, intent.id, attempt.id)
        return
    _note(attempt, Kind.UNRECORDED_PAYMENT, intent.id, payment_id=payment.id)
    db.session.commit()
    report.add(Kind.UNRECORDED_PAYMENT, True, intent.id, attempt.id)


def _compare(intent: Intent, payment: Payment, report: Report) -> None:
    if (payment.amount, payment.currency.upper()) != (intent.amount, intent.currency.upper()):
        report.add(Kind.AMOUNT_MISMATCH, False, intent.id, payment.attempt_id)


def _check_payments(since: datetime | None, listed_ids: set[str], report: Report) -> None:
    """Payments we recorded whose intents the listing did not cover: ask Stripe for each."""
    query = select(Payment).where(Payment.method == "card")
    if since is not None:
        query = query.where(Payment.paid_at >= since)
    payments = db.session.scalars(query).all()
    report.payments_checked = len(payments)
    for payment in payments:
        if payment.stripe_payment_intent_id in listed_ids:
            continue
        try:
            intent = get_gateway().retrieve_intent(payment.stripe_payment_intent_id)
        except UnknownIntent:
            missing = payment.stripe_payment_intent_id
            report.add(Kind.PAYMENT_WITHOUT_INTENT, False, missing, payment.attempt_id)
            continue
        if not intent.succeeded:
            report.add(Kind.PAYMENT_NOT_SUCCEEDED, False, intent.id, payment.attempt_id)
        else:
            _compare(intent, payment, report)


def _check_abandoned(since: datetime | None, grace: timedelta, report: Report) -> None:
    """Live attempts older than *grace* that never reached a confirmed intent: nobody will finish them."""
    query = select(PaymentAttempt).where(PaymentAttempt.status.in_(list(LIVE_STATUSES)))
    if since is not None:
        query = query.where(PaymentAttempt.created_at >= since)
    live = db.session.scalars(query).all()
    report.attempts_checked = len(live)
    cutoff = clock.now() - grace
    for attempt in live:
        if attempt.status is not AttemptStatus.CREATED or attempt.created_at > cutoff:
            continue  # a 3-D Secure check may still be open; a young attempt may be on its way
        intent_id = attempt.stripe_payment_intent_id
        if intent_id:
            try:
                if not get_gateway().retrieve_intent(intent_id).never_confirmed:
                    continue  # anything else was settled above or is still moving
            except GatewayUnavailable:
                report.add(Kind.ABANDONED_ATTEMPT, False, intent_id, attempt.id)
                continue
            if _cancel_at_stripe(intent_id) is None:
                report.add(Kind.ABANDONED_ATTEMPT, False, intent_id, attempt.id)
                continue
        attempt = _claim(
            attempt.id,
            PaymentAttempt.status == AttemptStatus.CREATED,
            PaymentAttempt.stripe_payment_intent_id == intent_id
            if intent_id
            else PaymentAttempt.stripe_payment_intent_id.is_(None),
        )
        if attempt is None:
            continue  # settled, or its intent saved, while we looked
        service.move(attempt, AttemptStatus.CANCELED)
        _note(attempt, Kind.ABANDONED_ATTEMPT, intent_id)
        db.session.commit()
        report.add(Kind.ABANDONED_ATTEMPT, True, intent_id, attempt.id)


def _retry_refunds(report: Report) -> None:
    """Over-payments whose refund Stripe refused or never answered: ask again. The refund's key is
    derived from the payment, so a refund that did happen at Stripe is not made twice."""
    due = db.session.scalars(
        select(Payment).where(Payment.refunded > 0, Payment.stripe_refund_id.is_(None)).order_by(Payment.id)
    ).all()
    for payment in due:
        done = recording.refund_overpayment(payment)
        report.add(Kind.REFUND_DUE, done, payment.stripe_payment_intent_id, payment.attempt_id)


def _note(attempt: PaymentAttempt, kind: Kind, intent_id: str | None, **data) -> None:
    timeline.record(
        attempt.account_id,
        "reconciled",
        difference=kind.value,
        attempt_id=attempt.id,
        intent=intent_id,
        **data,
    )
