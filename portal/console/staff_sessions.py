"""Console sessions held in the database: signing out, idling, the absolute limit, being disabled
or reset, and "sign out everywhere" end the record, after which any copy of the cookie is worthless."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.console.credentials import token_hash
from portal.extensions import db
from portal.models import StaffSession, StaffUser
from portal.models.types import utcnow

#: last_seen_at is written at most this often, so most requests only read.
TOUCH_SECONDS = 30


def begin(staff: StaffUser) -> str:
    """Record a new session for *staff*; returns the random id the cookie carries."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=token_hash(token), staff_id=staff.id))
    return token


def live(token: str | None) -> StaffSession | None:
    """The session if it is current; ends it (and returns None) if idle, too old, or its person
    may no longer sign in."""
    if not token:
        return None
    record = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if record is None or record.ended_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    reason = None
    if not record.staff.is_active:
        reason = "disabled"
    elif record.created_at + timedelta(hours=config["STAFF_SESSION_HOURS"]) <= now:
        reason = "too_long"
    elif record.last_seen_at + timedelta(minutes=config["STAFF_IDLE_MINUTES"]) <= now:
        reason = "idle"
    if reason:
        _end(record, reason)
        db.session.commit()
        return None
    if record.last_seen_at <= now - timedelta(seconds=TOUCH_SECONDS):
        record.last_seen_at = now
        db.session.commit()
    return record


def _end(record: StaffSession, reason: str) -> None:
    record.ended_at = utcnow()
    record.end_reason = reason


def end(token: str | None, reason: str = "signed_out") -> None:
    if not token:
        return
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == token_hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


def end_all(staff_id: int, reason: str) -> int:
    """End every open session of one person; returns how many."""
    result = db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return result.rowcount
