"""Emails that answer a payment the debtor has just made (the receipt, the plan confirmation).

The payment is committed before the email is tried, so a failure to send must never reach the
debtor as an error: it goes on the timeline as `email_failed` (which email, the error's class, no
personal data) and the task runner tries again later (portal.tasks.resend_email_task).
"""

from __future__ import annotations

import enum
import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import timeline
from portal.extensions import db
from portal.models import Event
from portal.notify.mailer import MailNotSent

log = logging.getLogger("portal.mail")

#: The first retry waits this long, and each later one twice as long as the one before.
RETRY_SECONDS = 300
#: How many times the task runner tries again (about 21 hours in all) before leaving it to staff.
RETRIES = 8


class Sent(enum.Enum):
    SENT = "sent"
    #: The contact rules said no (an opt-out): nothing to retry.
    NOT_ALLOWED = "not_allowed"
    FAILED = "failed"


def failed(account_id: int, email: str, error: BaseException, *, retrying: bool, **ids: int) -> None:
    """Record that *email* (identified by *ids*, e.g. payment_id) did not go, and ask for a retry.

    Called from an `except`: what the failure left half-done in the session is rolled back first;
    the payment it follows was committed before the email was tried.
    """
    reason = error.reason if isinstance(error, MailNotSent) else type(error).__name__
    db.session.rollback()
    try:
        timeline.record(account_id, "email_failed", email=email, error=reason, **ids)
        db.session.commit()
    except SQLAlchemyError:  # the database failing too must still not fail the page that was paid for
        db.session.rollback()
        log.exception("could not record that the %s email failed", email)
    if not retrying:
        (object_id,) = ids.values()
        schedule_retry(email, object_id)


def schedule_retry(email: str, object_id: int) -> None:
    """Queue the first retry; a task queue that cannot be reached is logged, never raised."""
    from portal.tasks import resend_email_task

    try:
        resend_email_task.schedule(args=(email, object_id), delay=RETRY_SECONDS)
    except Exception:  # the failure is on the timeline already; staff can resend from there
        log.exception("could not queue a retry of the %s email", email)


def has_event(account_id: int, kind: str, **ids) -> bool:
    """True if the timeline has a *kind* event with these data (e.g. `receipt_sent` for a payment)."""
    data = db.session.scalars(select(Event.data).where(Event.account_id == account_id, Event.kind == kind))
    return any(all((row or {}).get(k) == v for k, v in ids.items()) for row in data)


def resend(email: str, object_id: int) -> bool:
    """Try *email* again; True once nothing is left to do (sent now or before, not allowed, or gone)."""
    from portal.models import Payment, Plan
    from portal.notify import plan_emails, receipts

    if email == "receipt":
        payment = db.session.get(Payment, object_id)
        if payment is None or has_event(payment.account_id, "receipt_sent", payment_id=object_id):
            return True
        return receipts.receipt(payment, retrying=True) is not Sent.FAILED
    if email == "plan_confirmation":
        plan = db.session.get(Plan, object_id)
        if plan is None or has_event(plan.account_id, "plan_confirmation_sent", plan_id=object_id):
            return True
        return plan_emails.confirmation(plan, retrying=True) is not Sent.FAILED
    log.error("no way to resend an email of kind %r", email)
    return True
