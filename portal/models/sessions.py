"""A debtor's signed-in session, held on the server so that ending it ends every copy of the cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class DebtorSession(db.Model):
    __tablename__ = "debtor_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the random session id the cookie carries; the id itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("magic_links.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last request seen, written at most once a minute; idle time is measured from here.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended: "signed_out", "idle", "replaced" (a new link or identity check), "link_ended".
    end_reason: Mapped[str | None] = mapped_column(String(20))
