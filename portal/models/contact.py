"""How people want to be contacted: channels they asked us to stop using."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class OptOut(db.Model):
    """A channel ("email", "sms", ...) a person asked us to stop using; every sender checks it."""

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("debtor_id", "channel", name="uq_opt_out"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
