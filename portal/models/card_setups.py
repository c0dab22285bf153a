"""The SetupIntents whose card has paid: a SetupIntent pays once, however often its form is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class UsedSetupIntent(db.Model):
    __tablename__ = "used_setup_intents"

    #: Stripe's SetupIntent id; as the primary key it makes "one payment per SetupIntent" a rule of
    #: the database, which two tabs or a resent form cannot get round.
    stripe_setup_intent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
