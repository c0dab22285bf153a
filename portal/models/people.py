"""Creditors (who is owed) and debtors (the people who owe)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class Creditor(db.Model):
    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: IANA zone used for contact hours when an account has none of its own.
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    #: ISO 3166 country: chooses US or British English and how dates and money are written.
    country: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Debtor(db.Model):
    """A person; one person may owe several accounts."""

    __tablename__ = "debtors"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    postal_code: Mapped[str | None] = mapped_column(String(20))
    #: Preferred language code such as "es"; empty means "ask the browser".
    language: Mapped[str | None] = mapped_column(String(10))
    #: How the person prefers us to reach them: "email", "sms", "phone" or "post".
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    #: Free text such as "weekday evenings", shown to collectors.
    preferred_times: Mapped[str | None] = mapped_column(String(120))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    accounts: Mapped[list[Account]] = relationship(back_populates="debtor")  # noqa: F821
