"""The append-only timeline of everything that happened on an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a timeline event."""


class Event(db.Model):
    __tablename__ = "events"
    # Two events can never claim the same place in one account's timeline: a fork is an error.
    __table_args__ = (Index("uq_events_account_seq", "account_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Place in the account's timeline, from 1 (portal/domain/timeline_chain.py).
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    #: Who caused it: "debtor", "collector", "stripe", "system".
    actor: Mapped[str] = mapped_column(String(20), default="system")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The hash of the account's event before this one (GENESIS for the first).
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over account, seq, kind, actor, data, created_at and prev_hash.
    hash: Mapped[str] = mapped_column(String(64))


class TimelineHead(db.Model):
    """Where an account's timeline ends: its length and last hash, so losing the newest events shows.

    Written only by portal/timeline.py, in the transaction that appends the event.
    """

    __tablename__ = "timeline_heads"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    length: Mapped[int]
    #: The hash of event number *length*.
    hash: Mapped[str | None] = mapped_column(String(64))
    #: The hash of event number *length* - 1, as the one-statement append on PostgreSQL left it
    #: (it hands that statement's event its prev_hash); other appends leave it as it was.
    prev_hash: Mapped[str | None] = mapped_column(String(64))


@event.listens_for(Event, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("timeline events are never changed")


@event.listens_for(Event, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("timeline events are never deleted")
