"""Debtor sessions held in the database, so every worker and machine agrees when one has ended.

The cookie carries only a random session id (inside Flask's signed cookie); the database keeps its
SHA-256. Signing out, idling past SESSION_MINUTES and a new identity check end the record, after
which any copy of the cookie is worthless.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models import DebtorSession, MagicLink
from portal.models.types import utcnow

#: last_seen_at is written at most this often, so most requests only read.
TOUCH_SECONDS = 60
#: Records of sessions are kept this long after their last request (who was signed in, when).
KEEP_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _idle_limit() -> timedelta:
    # The throttle may leave last_seen_at up to TOUCH_SECONDS behind the real last request.
    return timedelta(minutes=current_app.config["SESSION_MINUTES"], seconds=TOUCH_SECONDS)


def begin(link: MagicLink) -> str:
    """Record a new verified session for the link's account; returns the id for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(DebtorSession(token_hash=_hash(token), account_id=link.account_id, link_id=link.id))
    return token


def token_hash(token: str | None) -> str | None:
    """What the database keeps of a session id (None for none)."""
    return _hash(token) if token else None


#: live() was not given the record: it reads it.
UNREAD = object()


def live(token: str | None, account_id: int, record=UNREAD) -> DebtorSession | None:
    """The session record if it is current for this account; ends it (and returns None) if idle.

    *record* is the record of *token* when the caller has read it already (or None if none)."""
    if not token:
        return None
    if record is UNREAD:
        record = db.session.scalar(select(DebtorSession).where(DebtorSession.token_hash == _hash(token)))
    if record is None or record.ended_at is not None or record.account_id != account_id:
        return None
    if record.last_seen_at + _idle_limit() <= utcnow():
        end(token, "idle")
        return None
    return record


def touch(record: DebtorSession, *, now_anyway: bool = False) -> bool:
    """Note activity, at most once a TOUCH_SECONDS unless *now_anyway*; True if it wrote."""
    now = utcnow()
    if not now_anyway and record.last_seen_at > now - timedelta(seconds=TOUCH_SECONDS):
        return False
    result = db.session.execute(
        update(DebtorSession)
        .where(DebtorSession.id == record.id, DebtorSession.ended_at.is_(None))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def end(token: str | None, reason: str) -> bool:
    """End the session with this id, if it is still open; True if it was. The caller commits."""
    if not token:
        return False
    result = db.session.execute(
        update(DebtorSession)
        .where(DebtorSession.token_hash == _hash(token), DebtorSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def forget_old(now: datetime | None = None) -> int:
    """Delete records of sessions with no request for KEEP_DAYS (long ended); returns how many."""
    before = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    result = db.session.execute(delete(DebtorSession).where(DebtorSession.last_seen_at < before))
    db.session.commit()
    return result.rowcount
