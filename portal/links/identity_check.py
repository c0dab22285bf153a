"""The identity check's limits: five wrong answers pause a link, ten on one account lock all of it.

Every answer is judged while holding the write lock on the account's row, so answers sent at once
(on one link, or spread over several links of one account) are counted one after another. The
wrong answers of the last 24 hours are counted from the timeline, across every link of the account,
so asking for a new link never resets them; only a collector issuing a new link unlocks.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from portal import timeline
from portal.domain import identity
from portal.extensions import db
from portal.links import service
from portal.models import Account, Event, MagicLink
from portal.models.types import utcnow


class Verdict(enum.StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    LINK_PAUSED = "link_paused"
    ACCOUNT_LOCKED = "account_locked"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    #: After a wrong answer: how many more may be given before the nearer limit is reached.
    tries_left: int = 0
    #: True when that nearer limit is the account's (every link), not this link's pause.
    account_limit_nearer: bool = False


def link_paused_until(link: MagicLink, now: datetime | None = None) -> datetime | None:
    """When the link's pause ends, or None if it is not paused now."""
    now = now or utcnow()
    if link.locked_until and link.locked_until > now:
        return link.locked_until
    return None


def account_locked(account: Account) -> bool:
    """True while every link of the account is refused until a collector issues a new one."""
    return account.identity_locked_at is not None


def wrong_answers_counted(account: Account, now: datetime | None = None) -> int:
    """Wrong answers on any of the account's links within the window (since any unlock)."""
    since = (now or utcnow()) - timedelta(hours=identity.ACCOUNT_WINDOW_HOURS)
    if account.identity_counted_from and account.identity_counted_from > since:
        since = account.identity_counted_from
    return db.session.scalar(
        select(func.count(Event.id)).where(
            Event.account_id == account.id, Event.kind == "identity_failed", Event.created_at >= since
        )
    )


def _hold_account(account_id: int) -> Account:
    """Take the account row's write lock until commit, and read the account and links afresh.

    An UPDATE rather than SELECT ... FOR UPDATE because SQLite ignores FOR UPDATE; its database
    write lock is taken by the first write of a transaction, which this is.
    """
    db.session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(identity_locked_at=Account.identity_locked_at, updated_at=Account.updated_at)
        .execution_options(synchronize_session=False)
    )
    return db.session.get(Account, account_id, populate_existing=True)


def answer(link: MagicLink, matches: Callable[[], bool]) -> Outcome:
    """Judge one answer on *link* (``matches`` says if it is right) and count it; the caller commits."""
    now = utcnow()
    account = _hold_account(link.account_id)
    db.session.refresh(link)
    if account_locked(account):
        return Outcome(Verdict.ACCOUNT_LOCKED)
    if link_paused_until(link, now):
        return Outcome(Verdict.LINK_PAUSED)
    if matches():
        link.failed_attempts = 0
        timeline.record(account, "identity_confirmed", actor="debtor", link_id=link.id)
        return Outcome(Verdict.RIGHT)

    link.failed_attempts += 1
    timeline.record(account, "identity_failed", actor="debtor", link_id=link.id, attempt=link.failed_attempts)
    db.session.flush()
    failures = wrong_answers_counted(account, now)
    if identity.should_lock_account(failures):
        account.identity_locked_at = now
        link.failed_attempts = 0
        timeline.record(
            account, "identity_account_locked", actor="system", link_id=link.id, failures=failures
        )
        return Outcome(Verdict.ACCOUNT_LOCKED)
    if identity.should_lock(link.failed_attempts):
        link.locked_until = now + timedelta(minutes=identity.LOCK_MINUTES)
        link.failed_attempts = 0
        timeline.record(
            account, "identity_locked", actor="system", link_id=link.id, until=link.locked_until.isoformat()
        )
        return Outcome(Verdict.LINK_PAUSED)
    link_left = identity.MAX_FAILURES - link.failed_attempts
    account_left = identity.ACCOUNT_MAX_FAILURES - failures
    return Outcome(Verdict.WRONG, min(link_left, account_left), account_left < link_left)


def unlock(account: Account, new_link: MagicLink, actor: str = "collector") -> int:
    """A person issued *new_link* to a locked account: unlock it, revoke every older link.

    Older links are revoked because they are the ones that were being guessed at. Returns how many
    were revoked; does nothing (0) for an account that is not locked. The caller commits.
    """
    if not account_locked(account):
        return 0
    account.identity_locked_at = None
    account.identity_counted_from = utcnow()
    older = db.session.scalars(
        select(MagicLink).where(
            MagicLink.account_id == account.id, MagicLink.id != new_link.id, MagicLink.revoked_at.is_(None)
        )
    ).all()
    for link in older:
        service.revoke(link, actor=actor)
    timeline.record(account, "identity_unlocked", actor=actor, link_id=new_link.id, revoked=len(older))
    return len(older)
