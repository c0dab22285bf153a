"""The reminder the day before a promised payment, run with the plan reminders (`send-reminders`
and its Huey task).

Each promise is its own transaction. Whether it is due is decided first, holding no lock; then
the promise's row is locked (FOR UPDATE SKIP LOCKED, so on PostgreSQL an overlapping run passes
over it; then a no-op UPDATE, which on SQLite takes the write lock), and the reminder is queued
in the outbox under the promise's own key, which a second run finds taken. The outbox sends it
once and retries a failure.

(Offer decisions are queued with the decision itself: see `portal.notify.offer_emails`.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from portal.domain import contact
from portal.extensions import db
from portal.models import RequestKind, RequestStatus, SupportRequest
from portal.notify import outbox, promise_emails, rules

_ZONE_SLACK = timedelta(days=1)


def send_due(now: datetime) -> int:
    """Every support notice due now; the number queued."""
    return send_promise_reminders(now)


# --- The day before a promised payment ---------------------------------------------------------


def send_promise_reminders(now: datetime) -> int:
    """Remind each open promise whose date is tomorrow on the debtor's clock; the number queued."""
    today = now.astimezone(UTC).date()
    ids = db.session.scalars(
        select(SupportRequest.id).where(
            SupportRequest.kind == RequestKind.PROMISE,
            SupportRequest.status == RequestStatus.OPEN,
            SupportRequest.promise_date >= today + timedelta(days=1) - _ZONE_SLACK,
            SupportRequest.promise_date <= today + timedelta(days=1) + _ZONE_SLACK,
        )
    ).all()
    db.session.rollback()
    return sum(1 for request_id in ids if _remind_promise(request_id, now))


def _remind_promise(request_id: int, now: datetime) -> bool:
    request = db.session.get(SupportRequest, request_id)
    account = request.account
    local_today = contact.local_date(now, rules.contact_zone(account))
    paused = account.reminders_paused_until
    key = promise_emails.reminder_key(request_id)
    due = (
        request.status is RequestStatus.OPEN
        and request.promise_date - timedelta(days=1) == local_today
        # A longer pause since (a hardship request) holds this reminder back too.
        and (paused is None or paused <= request.pause_until)
        and outbox.find(key) is None
        # The promise's own pause ends today: its reminder is what the pause was waiting for.
        and rules.email_allowed(account.debtor, account, now, kind=promise_emails.KIND)[0]
    )
    if not (due and _lock(request_id) and outbox.find(key) is None):
        db.session.rollback()  # nothing recorded: a later run asks again
        return False
    link = promise_emails.issue_link(request)
    promise_emails.queue_promise_reminder(request, link, now)
    db.session.commit()
    return True


def _lock(request_id: int) -> bool:
    """Lock the promise's row; False when another run holds it now (PostgreSQL)."""
    locked = db.session.scalars(
        select(SupportRequest.id).where(SupportRequest.id == request_id).with_for_update(skip_locked=True)
    ).first()
    if locked is None:
        return False
    # SQLite has no row locks: this write takes the database's write lock until the commit.
    db.session.execute(
        update(SupportRequest).where(SupportRequest.id == request_id).values(id=SupportRequest.id)
    )
    return True
