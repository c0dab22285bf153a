"""The due-payment runner: charges instalments that are due, exactly once each.

Each instalment is claimed under a short lease (rows picked with FOR UPDATE SKIP LOCKED on
PostgreSQL), its attempt is committed before Stripe is called, and the attempt's idempotency key
is reused if a runner crashed after calling Stripe, so Stripe returns the same charge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal import timeline
from portal.accounts import ledger
from portal.domain import collection, contact, transitions
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import (
    Account,
    AttemptStatus,
    Instalment,
    InstalmentStatus,
    PaymentAttempt,
    Plan,
    PlanStatus,
    Purpose,
)
from portal.notify import plan_notices, rules
from portal.payments import attempts, service
from portal.payments.gateway import Card, CardDeclined, GatewayUnavailable, StripeGateway, get_gateway

log = logging.getLogger("portal.runner")
LEASE = timedelta(minutes=10)
#: How many due instalments a runner leases at once: one statement and one commit for them all.
BATCH = 20


@dataclass
class RunReport:
    charged: int = 0
    declined: int = 0
    needs_authentication: int = 0
    missed: int = 0
    broken: int = 0
    skipped: int = 0
    on_hold: int = 0

    def summary(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in vars(self).items())


def charge_due(now: datetime, gateway: StripeGateway | None = None) -> RunReport:
    """Charge every instalment due on or before *now*'s date; safe to run many at once.

    Instalments are charged between 08:00 and 21:00 in the debtor's time zone, so a failure can
    be told to them straight away; outside those hours they wait for a later run.
    """
    gateway = gateway or get_gateway()
    report = RunReport()
    # Only what is still due after its turn (skipped, on hold) is kept out of this run by id: the
    # claim's own WHERE leaves out the rest, and a list of every id seen would make each claim
    # slower than the last (NOT IN with thousands of ids) over a run of thousands.
    passed: set[int] = set()
    while batch := _claim(now, passed):
        waiting = list(batch)
        try:
            while waiting:
                instalment_id = waiting[0]
                held: list[int] = []
                try:
                    _process(instalment_id, now, gateway, report, held)
                finally:
                    waiting.pop(0)
                    if _release(instalment_id, held, now):
                        passed.add(instalment_id)
        finally:
            if waiting:
                _let_go(waiting, now)  # stopped by an error: the rest of the batch is free at once
    return report


def _claim(now: datetime, passed: set[int]) -> list[int]:
    """Lease up to BATCH due instalments in one statement; their ids, oldest due first.

    On PostgreSQL SKIP LOCKED keeps runners off rows another is claiming; on SQLite the UPDATE
    is atomic under its single writer. The lease is a courtesy between runners: what makes a
    charge happen once is the account's live-attempt slot and the due check under its lock.
    """
    due = (
        select(Instalment.id)
        .join(Plan, Plan.id == Instalment.plan_id)
        .where(
            Plan.status == PlanStatus.ACTIVE,
            Instalment.status == InstalmentStatus.SCHEDULED,
            Instalment.next_attempt_on <= now.date(),
            Instalment.claimed_until.is_(None) | (Instalment.claimed_until < now),
        )
        .order_by(Instalment.next_attempt_on, Instalment.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True, of=Instalment)
    )
    if passed:
        due = due.where(Instalment.id.not_in(passed))
    # A CTE, which PostgreSQL runs once: as `id IN (subquery)` it may run the subquery again for
    # each row it updates, and each run skips the rows the one before locked and takes the next
    # ones, so far more than BATCH get leased.
    picked = due.cte("picked")
    claimed = db.session.execute(
        update(Instalment)
        .where(
            Instalment.id == picked.c.id,
            # Checked again on the row itself: another runner may have charged it and let go of
            # its lease between the subquery's read and this write.
            Instalment.status == InstalmentStatus.SCHEDULED,
            Instalment.next_attempt_on <= now.date(),
            Instalment.claimed_until.is_(None) | (Instalment.claimed_until < now),
        )
        .values(claimed_until=now + LEASE)
        .returning(Instalment.id, Instalment.next_attempt_on)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return [row.id for row in sorted(claimed, key=lambda row: (row.next_attempt_on, row.id))]


def _release(instalment_id: int, held: list[int], now: datetime) -> bool:
    """Let go of the instalment's lease and of the attempt this turn *held*, in one commit; True
    if the instalment is still due (this run must not pick it again)."""
    db.session.rollback()
    if held:
        # Left CREATED (Stripe did not answer, or this process failed), the attempt may now be
        # settled by the next request or run.
        attempts.let_go(held[0])
    row = db.session.execute(
        update(Instalment)
        # Only this run's lease: had it run out mid-batch, another runner holds the row now.
        .where(Instalment.id == instalment_id, Instalment.claimed_until == now + LEASE)
        .values(claimed_until=None)
        .returning(Instalment.status, Instalment.next_attempt_on)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    return row is not None and row.status is InstalmentStatus.SCHEDULED and row.next_attempt_on <= now.date()


def _let_go(instalment_ids: list[int], now: datetime) -> None:
    db.session.rollback()
    db.session.execute(
        update(Instalment)
        .where(Instalment.id.in_(instalment_ids), Instalment.claimed_until == now + LEASE)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _load(instalment_id: int) -> Instalment | None:
    """The instalment read afresh with its plan, the plan's policy, account, person and creditor:
    everything a turn reads before it writes, in one statement."""
    account = joinedload(Instalment.plan).joinedload(Plan.account)
    return db.session.scalars(
        select(Instalment)
        .where(Instalment.id == instalment_id)
        .options(
            joinedload(Instalment.plan).joinedload(Plan.policy),
            account.joinedload(Account.debtor),
            account.joinedload(Account.creditor),
        )
        .execution_options(populate_existing=True)
    ).one_or_none()


@dataclass(frozen=True)
class _Card:
    """What the Stripe call needs, read before the attempt's commit expires the rows."""

    account_id: int
    customer_id: str | None
    payment_method_id: str | None
    policy: Policy


def _process(
    instalment_id: int,
    now: datetime,
    gateway: StripeGateway,
    report: RunReport,
    held: list[int] | None = None,
) -> None:
    """One claimed instalment's turn; the id of an attempt it started goes into *held*."""
    instalment = _load(instalment_id)
    if instalment is None:
        return
    plan = instalment.plan
    account = plan.account
    if instalment.status is not InstalmentStatus.SCHEDULED or plan.status is not PlanStatus.ACTIVE:
        return  # settled by someone else since it was picked
    policy = Policy.from_dict(plan.policy.settings)  # the version the plan was agreed under
    if account.on_hold:
        # A dispute is open: nothing is taken (and nobody is told of a decline) until it is
        # resolved. The instalment stays due, so the runner picks it up once the hold lifts.
        report.on_hold += 1
        return
    if not contact.within_contact_hours(now, rules.contact_zone(account)):
        # Charge in the debtor's daytime, so that if it fails we can tell them at once.
        report.skipped += 1
        return
    if collection.out_of_tries(instalment.attempts, policy):
        _miss(instalment, policy, now, report)
        return
    card = _Card(account.id, account.debtor.stripe_customer_id, plan.stripe_payment_method_id, policy)
    attempt = _attempt_for(instalment, plan, report)
    if attempt is None:
        return
    if held is not None:
        held.append(attempt.id)
        _charge(attempt, instalment, card, now, gateway, report)
        return
    try:
        _charge(attempt, instalment, card, now, gateway, report)
    finally:
        attempts.release(attempt)


def _charge(
    attempt, instalment, card: _Card, now: datetime, gateway: StripeGateway, report: RunReport
) -> None:
    policy = card.policy
    try:
        intent = gateway.charge_saved_card(
            amount=attempt.amount,
            currency=attempt.currency,
            customer_id=card.customer_id,
            payment_method_id=card.payment_method_id,
            key=attempt.idempotency_key,
            metadata={
                "account_id": str(card.account_id),
                "attempt_id": str(attempt.id),
                "instalment_id": str(attempt.instalment_id),
            },
            off_session=True,
        )
        _after_stripe_call()
        attempt.stripe_payment_intent_id = intent.id
        db.session.commit()
    except CardDeclined as declined:
        if declined.needs_authentication:
            attempt.stripe_payment_intent_id = declined.intent_id
            db.session.commit()
            _needs_authentication(attempt, instalment, policy, now, report)
        else:
            _declined(attempt, instalment, policy, declined.code, now, report)
        return
    except GatewayUnavailable:
        log.warning(
            "Stripe unavailable; instalment %s stays due and is retried next run", attempt.instalment_id
        )
        report.skipped += 1
        return
    if intent.succeeded:
        service.record_success(intent, source="runner")
        report.charged += 1
    elif intent.needs_authentication:
        _needs_authentication(attempt, instalment, policy, now, report)
    else:
        _declined(attempt, instalment, policy, intent.error_code or "card_declined", now, report)


def _after_stripe_call() -> None:
    """A seam for tests that simulate a crash between Stripe's answer and our commit."""


def _attempt_for(instalment: Instalment, plan: Plan, report: RunReport) -> PaymentAttempt | None:
    """The attempt to make now: an unfinished one from a crashed run (same key), or a new one
    started under the account's lock, which checks the instalment is still due and owed."""
    earlier = db.session.scalars(
        select(PaymentAttempt).where(
            PaymentAttempt.instalment_id == instalment.id,
            PaymentAttempt.status.in_((AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION)),
        )
    ).all()
    # Only a runner's own is resumed: the debtor may be paying this instalment on the site now.
    unfinished = next((a for a in earlier if a.status is AttemptStatus.CREATED and a.off_session), None)
    if unfinished is not None:
        if not attempts.take_over(unfinished):
            report.skipped += 1  # the debtor retired it just now; the next run looks again
            return None
        timeline.record(plan.account_id, "charge_resumed", attempt_id=unfinished.id)
        db.session.commit()
        return unfinished
    for waiting in [a for a in earlier if a.status is AttemptStatus.REQUIRES_ACTION]:
        # The debtor did not confirm in time: retire that intent before trying again.
        service.fail(waiting, "authentication_not_completed")
    card = Card(id=plan.stripe_payment_method_id, brand=plan.card_brand or "", last4=plan.card_last4 or "")
    charge = service.Charge(
        Purpose.INSTALMENT, instalment.amount, plan_id=plan.id, instalment_id=instalment.id
    )
    instalment_id = instalment.id

    def started(account, attempt):
        row = db.session.get(Instalment, instalment_id)
        row.attempts += 1
        timeline.record(
            account,
            "charge_started",
            actor="system",
            attempt_id=attempt.id,
            instalment=row.number,
            amount=row.amount,
            try_number=row.attempts,
        )

    begun = attempts.begin(plan.account_id, charge, card, on_start=started, off_session=True, wait=0)
    if begun.attempt is None:
        # The debtor is paying on the site right now, or the instalment is no longer owed.
        report.skipped += 1
        return None
    return begun.attempt


def _needs_authentication(attempt, instalment, policy: Policy, now: datetime, report: RunReport) -> None:
    if attempt.status is AttemptStatus.CREATED:
        service.move(attempt, AttemptStatus.REQUIRES_ACTION)
    instalment.next_attempt_on = collection.after_authentication_needed(
        instalment.due_date, policy, now.date()
    )
    timeline.record(
        instalment.plan.account_id,
        "charge_needs_authentication",
        attempt_id=attempt.id,
        instalment=instalment.number,
    )
    plan_notices.authentication_needed(attempt, instalment, now)
    db.session.commit()
    report.needs_authentication += 1


def _declined(attempt, instalment, policy: Policy, code: str, now: datetime, report: RunReport) -> None:
    service.fail(attempt, code)
    outcome = collection.after_decline(instalment.due_date, instalment.attempts, policy, code, now.date())
    hard, retry_on = outcome.hard, outcome.retry_on
    instalment.attempts = outcome.attempts
    instalment.next_attempt_on = outcome.next_attempt_on
    timeline.record(
        instalment.plan.account_id,
        "charge_declined",
        instalment=instalment.number,
        code=code,
        hard=hard,
        retry_on=retry_on.isoformat() if retry_on else None,
    )
    plan_notices.payment_declined(instalment, retry_on, now)
    db.session.commit()
    report.declined += 1


def _miss(instalment: Instalment, policy: Policy, now: datetime, report: RunReport) -> None:
    plan = instalment.plan
    transitions.INSTALMENT.move(instalment, InstalmentStatus.MISSED)
    plan.misses += 1
    timeline.record(plan.account_id, "instalment_missed", instalment=instalment.number, misses=plan.misses)
    report.missed += 1
    broken = collection.plan_breaks(plan.misses, policy)
    if broken:
        ledger.end_plan(plan, PlanStatus.BROKEN, "missed_payments")
        report.broken += 1
    if broken:
        plan_notices.plan_broken(plan, now)
    db.session.commit()
