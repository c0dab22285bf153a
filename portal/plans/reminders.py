"""Reminding debtors of plan payments a few days before they are taken, once per instalment.

Each instalment is its own transaction. It is locked with SKIP LOCKED (on PostgreSQL) so an
overlapping run passes over it; its reminder is queued in the outbox under a key of its own
("reminder:<instalment id>"), which a second run finds taken, and `reminded_at` is stamped in the
same transaction so later runs skip it cheaply. The outbox sends it once, and retries a failure.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.domain import contact
from portal.extensions import db
from portal.models import Instalment, InstalmentStatus, Plan, PlanStatus
from portal.notify import reminders as reminder_email
from portal.notify import request_notices as support_notices
from portal.notify import rules

# A local calendar date is at most this far from the UTC date (zones run from UTC-12 to UTC+14).
_ZONE_SLACK = timedelta(days=1)


def send_reminders(now: datetime) -> int:
    """Queue a reminder of every plan payment due soon whose reminder the rules allow now; the
    number queued (the outbox sends them as their transactions commit).

    "Soon" is within REMINDER_DAYS_BEFORE days of today on the debtor's clock. Instalments the
    rules hold back (outside contact hours, opted out, no address, an account on hold while a
    dispute is reviewed) are left for a later run.
    """
    days = current_app.config["REMINDER_DAYS_BEFORE"]
    sent = 0
    for instalment_id in _candidates(now, days):
        if _remind(instalment_id, now, days):
            sent += 1
    # The day-before reminders of promises to pay, and held offer decisions, run on this schedule.
    return sent + support_notices.send_due(now)


def paused(account, now: datetime) -> bool:
    """True while a promise to pay or a hardship request pauses reminders: up to and including
    `reminders_paused_until` on the debtor's calendar."""
    until = account.reminders_paused_until
    return until is not None and contact.local_date(now, rules.contact_zone(account)) <= until


def is_due_soon(due_date: date, now: datetime, zone: str, days: int) -> bool:
    """True when *due_date* is today or within *days* days on the clock of *zone*."""
    return 0 <= (due_date - contact.local_date(now, zone)).days <= days


def _unreminded(*columns):
    return (
        select(*(columns or (Instalment,)))
        .join(Plan, Plan.id == Instalment.plan_id)
        .where(
            Instalment.status == InstalmentStatus.SCHEDULED,
            Instalment.reminded_at.is_(None),
            Plan.status == PlanStatus.ACTIVE,
        )
    )


def _candidates(now: datetime, days: int) -> list[int]:
    """Ids that may be due soon somewhere on Earth; each is checked on its own clock later."""
    today = now.astimezone(UTC).date()
    ids = db.session.scalars(
        _unreminded(Instalment.id)
        .where(
            Instalment.due_date >= today - _ZONE_SLACK,
            Instalment.due_date <= today + timedelta(days=days) + _ZONE_SLACK,
        )
        .order_by(Instalment.due_date, Instalment.id)
    ).all()
    db.session.rollback()  # end the read; each instalment gets its own transaction
    return list(ids)


def _remind(instalment_id: int, now: datetime, days: int) -> bool:
    instalment = db.session.scalars(
        _unreminded().where(Instalment.id == instalment_id).with_for_update(skip_locked=True, of=Instalment)
    ).first()
    if instalment is None:  # reminded, paid or cancelled since, or another run holds it now
        db.session.rollback()
        return False
    account = instalment.plan.account
    due_soon = is_due_soon(instalment.due_date, now, rules.contact_zone(account), days)
    if paused(account, now) or not (due_soon and rules.email_allowed(account.debtor, account, now)[0]):
        db.session.rollback()  # nothing recorded: a later run asks again
        return False
    facts = {
        "plan_id": instalment.plan_id,
        "instalment_id": instalment.id,
        "number": instalment.number,
        "due_date": instalment.due_date.isoformat(),
        "amount": instalment.amount,
    }
    # Guarded, for SQLite where the row lock above is no lock: a run that got here first wins.
    claimed = db.session.execute(
        update(Instalment)
        .where(Instalment.id == instalment_id, Instalment.reminded_at.is_(None))
        .values(reminded_at=now)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return False
    reminder_email.queue_reminder(instalment, facts, now)
    db.session.commit()
    return True
