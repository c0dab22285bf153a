"""Promises to pay and hardship call-back requests: both pause reminders and wait in the
collector's queue until a person closes them with an outcome."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from portal import timeline
from portal.domain import transitions
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import Account, RequestKind, RequestStatus, SupportRequest

#: Longest explanation a debtor can give with a call-back request.
EXPLANATION_MAX = 2000
#: The days and times of day a debtor can ask to be called, as stored.
CALL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
CALL_TIMES = ("morning", "afternoon", "evening")
#: How a promise or a call-back request may end, by its kind; "other" needs a note saying how.
OUTCOMES = {
    RequestKind.PROMISE: ("paid", "not_paid", "other"),
    RequestKind.HARDSHIP: ("talked", "unreachable", "other"),
}


def promise_window(policy: Policy, today: date) -> tuple[date, date]:
    """The first and last dates a promise may name: tomorrow, up to the policy's first-payment limit."""
    return today + timedelta(days=1), today + timedelta(days=max(policy.first_payment_within_days, 1))


def _pause(account: Account, until: date) -> None:
    """Pause reminders until *until*; a longer pause already in place is kept."""
    current = account.reminders_paused_until
    account.reminders_paused_until = until if current is None or current < until else current


def make_promise(account: Account, on: date, amount: int | None) -> SupportRequest:
    """The debtor will pay on *on*: the whole balance when *amount* is None, else a first payment.

    Reminders pause until the day before; that day the promise's own reminder goes out.
    """
    pause_until = on - timedelta(days=1)
    request = SupportRequest(
        account_id=account.id,
        kind=RequestKind.PROMISE,
        status=RequestStatus.OPEN,
        promise_date=on,
        promise_amount=amount,
        pause_until=pause_until,
    )
    db.session.add(request)
    _pause(account, pause_until)
    db.session.flush()
    timeline.record(
        account,
        "promise_made",
        actor="debtor",
        request_id=request.id,
        promise_date=on.isoformat(),
        full_amount=amount is None,
        amount=amount if amount is not None else account.balance.minor,
        reminders_paused_until=account.reminders_paused_until.isoformat(),
    )
    return request


def request_callback(
    account: Account,
    policy: Policy,
    today: date,
    *,
    phone: str,
    days: list[str],
    times: list[str],
    explanation: str,
) -> SupportRequest:
    """A hardship call-back request; reminders pause for the policy's hardship_pause_days."""
    pause_until = today + timedelta(days=policy.hardship_pause_days)
    request = SupportRequest(
        account_id=account.id,
        kind=RequestKind.HARDSHIP,
        status=RequestStatus.OPEN,
        phone=phone,
        call_days=",".join(d for d in CALL_DAYS if d in days),
        call_times=",".join(t for t in CALL_TIMES if t in times),
        explanation=explanation[:EXPLANATION_MAX],
        pause_until=pause_until,
    )
    db.session.add(request)
    _pause(account, pause_until)
    db.session.flush()
    # The phone number and the explanation stay on the request; the timeline notes the facts.
    timeline.record(
        account,
        "callback_requested",
        actor="debtor",
        request_id=request.id,
        hardship=True,
        reminders_paused_until=account.reminders_paused_until.isoformat(),
    )
    return request


def open_requests() -> list[SupportRequest]:
    """Open promises and call-back requests, oldest first: the collector's queue."""
    return db.session.scalars(
        select(SupportRequest)
        .where(SupportRequest.status == RequestStatus.OPEN)
        .order_by(SupportRequest.created_at, SupportRequest.id)
    ).all()


class AlreadyClosed(Exception):
    """The request was closed already (perhaps by someone else a moment ago); nothing changed."""


def close(request: SupportRequest, outcome: str, note: str, *, actor: str, **facts) -> None:
    """Close an open promise or call-back request with its outcome, as *actor*; the caller commits.

    The one way the console's page and the API close one. ValueError for an outcome the request's
    kind does not have, or "other" without a note; AlreadyClosed when it is no longer open (two
    people closing it at once: the second waits for the first, then finds it closed).
    """
    if outcome not in OUTCOMES[request.kind]:
        raise ValueError(f"a {request.kind.value} request ends as one of {', '.join(OUTCOMES[request.kind])}")
    if outcome == "other" and not note.strip():
        raise ValueError("say how it ended in the note")
    # A write, not SELECT ... FOR UPDATE, so that SQLite (which ignores FOR UPDATE) holds too.
    db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == request.id)
        .values(status=SupportRequest.status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    if request.status is not RequestStatus.OPEN:
        raise AlreadyClosed(f"request {request.id} is {request.status.value}")
    transitions.REQUEST.move(request, RequestStatus.DONE)
    timeline.record(
        request.account_id,
        "request_closed",
        actor=actor,
        request_id=request.id,
        request_kind=request.kind.value,
        outcome=outcome,
        note=note,
        **facts,
    )
