"""Answers a debtor has given so far in a run of one-question pages, kept until they send them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class Draft(db.Model):
    """Kept on the server, not in the cookie: free-text answers can be thousands of characters."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("account_id", "run", name="uq_draft_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Which run of questions, e.g. "dispute" or "promise".
    run: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
