"""Scheduled notices for the support requests: the reminder the day before a promised payment,
and offer decisions whose email was held back (outside contact hours, or the mail server failed).

Both run with the plan reminders (`send-reminders` and its Huey task). Each notice is its own
transaction. Whether it is due is decided first, holding no lock. Then it is claimed: the row it
is about is locked (FOR UPDATE SKIP LOCKED, so on PostgreSQL an overlapping run passes over it;
then a no-op UPDATE, which on SQLite takes the write lock), the timeline is read again for an
earlier claim, and a claim is recorded and committed before the email goes. Nothing is sent
twice. A crash between the claim and the send loses that one notice rather than risking sending
it twice; a refused send records a failure, which a later run retries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from portal import timeline
from portal.domain import contact
from portal.extensions import db
from portal.models import Event, Offer, OfferStatus, RequestKind, RequestStatus, SupportRequest
from portal.notify import offer_emails, promise_emails, rules

_ZONE_SLACK = timedelta(days=1)
_DECIDED = (OfferStatus.ACCEPTED, OfferStatus.COUNTERED, OfferStatus.DECLINED)
# Reasons a held decision email is worth trying again later; an opt-out or no address is not.
_RETRY_REASONS = {rules.OUTSIDE_HOURS, rules.ON_HOLD}
#: How long a held decision email keeps being retried.
_HELD_FOR = timedelta(days=30)
#: A decision with no email event yet is left this long to the `decide-offer` run that made it.
_COMMAND_GRACE = timedelta(minutes=10)


def send_due(now: datetime) -> int:
    """Every support notice due now; the number sent."""
    return send_promise_reminders(now) + send_held_decisions(now)


# --- The day before a promised payment ---------------------------------------------------------


def send_promise_reminders(now: datetime) -> int:
    """Remind each open promise whose date is tomorrow on the debtor's clock; the number sent."""
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
    due = (
        request.status is RequestStatus.OPEN
        and request.promise_date - timedelta(days=1) == local_today
        # A longer pause since (a hardship request) holds this reminder back too.
        and (paused is None or paused <= request.pause_until)
        and _unclaimed(account.id, request_id)
        and rules.email_allowed(account.debtor, account, now)[0]
    )
    claimed = due and _claim(
        SupportRequest,
        request_id,
        lambda: _unclaimed(account.id, request_id),
        account.id,
        "promise_reminder_claimed",
    )
    if not claimed:
        db.session.rollback()  # nothing recorded: a later run asks again
        return False
    link = promise_emails.issue_link(request)
    db.session.commit()
    sent = promise_emails.send_promise_reminder(request, link)
    timeline.record(
        account,
        "promise_reminder_sent" if sent else "promise_reminder_failed",
        request_id=request_id,
        promise_date=request.promise_date.isoformat(),
    )
    db.session.commit()
    return sent


# --- Offer decisions held back -------------------------------------------------------------------


def send_held_decisions(now: datetime) -> int:
    """Email decisions of the last weeks not sent because of the hour, a hold or a failure."""
    since = now - _HELD_FOR
    ids = db.session.scalars(
        select(Offer.id).where(Offer.status.in_(_DECIDED), Offer.decided_at >= since).order_by(Offer.id)
    ).all()
    db.session.rollback()
    return sum(1 for offer_id in ids if _send_held(offer_id, now))


def _send_held(offer_id: int, now: datetime) -> bool:
    offer = db.session.get(Offer, offer_id)
    account = offer.account
    due = _held(offer, now) and rules.email_allowed(account.debtor, account, now)[0]
    if not (due and _claim(Offer, offer_id, lambda: _held(offer, now), account.id, "offer_decision_claimed")):
        db.session.rollback()
        return False
    db.session.commit()
    return offer_emails.send_decision(offer, now)[0]


def _held(offer: Offer, now: datetime) -> bool:
    """True when the decision email was held back for a reason worth another try."""
    last = _latest(offer.account_id, "offer_decision", "offer_id", offer.id)
    return (
        # Decided, but the command stopped before it emailed (not one still running: it may yet).
        (last is None and offer.decided_at < now - _COMMAND_GRACE)
        or (last is not None and last.kind == "offer_decision_failed")
        or (
            last is not None
            and last.kind == "offer_decision_not_sent"
            and last.data.get("reason") in _RETRY_REASONS
        )
    )


# --- Shared ------------------------------------------------------------------------------------


def _claim(model, row_id: int, still_due, account_id: int, kind: str) -> bool:
    """Lock the row, ask *still_due()* again under the lock, and record the claim (uncommitted)."""
    locked = db.session.scalars(
        select(model.id).where(model.id == row_id).with_for_update(skip_locked=True)
    ).first()
    if locked is None:  # another run holds it now (PostgreSQL)
        return False
    db.session.execute(update(model).where(model.id == row_id).values(id=model.id))  # SQLite's write lock
    if not still_due():
        return False
    key = "offer_id" if model is Offer else "request_id"
    timeline.record(account_id, kind, **{key: row_id})
    return True


def _unclaimed(account_id: int, request_id: int) -> bool:
    """True when no run claimed (or sent) this promise's reminder, or its last try failed."""
    last = _latest(account_id, "promise_reminder", "request_id", request_id)
    return last is None or last.kind == "promise_reminder_failed"


def _latest(account_id: int, prefix: str, key: str, value: int) -> Event | None:
    """The newest "<prefix>_..." event on the account about this request or offer."""
    events = db.session.scalars(
        select(Event)
        .where(Event.account_id == account_id, Event.kind.like(f"{prefix}\\_%", escape="\\"))
        .order_by(Event.id.desc())
    ).all()
    return next((e for e in events if e.data.get(key) == value), None)
