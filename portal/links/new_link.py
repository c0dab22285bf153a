"""A person on an expired, paused or locked link page asks for a new link.

It goes only to the email or phone already on file, through the same rule as `send-link`
(`links.sending`): contact hours, opt-outs and holds decide, and outside the hours it waits.
At most one per account every NEW_LINK_MINUTES, counted from the timeline under the account's
row lock, so two workers asked at once send one. The caller shows the same page whatever
happened here: nothing on it tells who has an account or what contact we hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from portal import timeline
from portal.extensions import db
from portal.links import identity_check, sending, service
from portal.models import Account, Event, MagicLink
from portal.models.types import utcnow

#: How long after one new link an account gets no other by asking for it.
NEW_LINK_MINUTES = 15
SENT = "new_link_sent"


def link_from(token: str | None, public_id: str | None) -> MagicLink | None:
    """The link a request names: a signed token (an expired link's page), else the session's link.
    A revoked link or a bad signature names nobody."""
    check = service.check_token(token) if token else service.find(public_id)
    if check.link is None or check.problem is service.LinkProblem.REVOKED:
        return None
    return check.link


def request_new_link(link: MagicLink | None, now: datetime) -> str:
    """Queue a new link for the account of *link* if the rules allow; the caller commits.
    Returns what happened, for the timeline and tests only: never for the page."""
    if link is None:
        return "no_account"
    account = _hold(link.account_id)
    if _sent_recently(account):
        outcome = "too_soon"
    else:
        try:
            sending.send(
                account, "preferred", now, actor="debtor", unlock=identity_check.account_locked(account)
            )
            outcome = "sent"
        except sending.Refused as refused:
            outcome = refused.reason
        except service.AccountOnHold:
            outcome = "on_hold"
    timeline.record(account, "new_link_requested", actor="debtor", link_id=link.id, outcome=outcome)
    if outcome == "sent":
        timeline.record(account, SENT, actor="debtor", link_id=link.id)
    return outcome


def _hold(account_id: int) -> Account:
    """Take the account row's write lock until commit (an UPDATE: SQLite ignores FOR UPDATE)."""
    db.session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(updated_at=Account.updated_at)
        .execution_options(synchronize_session=False)
    )
    return db.session.get(Account, account_id, populate_existing=True)


def _sent_recently(account: Account) -> bool:
    # Events carry the real time they were written, so the window is on the real clock too.
    since = utcnow() - timedelta(minutes=NEW_LINK_MINUTES)
    count = db.session.scalar(
        select(func.count(Event.id)).where(
            Event.account_id == account.id, Event.kind == SENT, Event.created_at >= since
        )
    )
    return count > 0
