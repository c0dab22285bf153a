"""What a debtor asks for when they disagree or cannot pay: disputes, their own offers,
promises to pay, and call-back requests. Each lands in a collector's queue."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Account
from portal.models.types import UTCDateTime, utcnow


def _enum(kind, name: str):
    return Enum(kind, name=name, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class DisputeReason(enum.StrEnum):
    NOT_MINE = "not_mine"
    ALREADY_PAID = "already_paid"
    WRONG_AMOUNT = "wrong_amount"
    OTHER = "other"


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the debtor was right: the account is closed
    REJECTED = "rejected"  # verified: the options come back, with the reasons


class Dispute(db.Model):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: What the debtor quotes to us, e.g. "D-7KQ2M9".
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    reason: Mapped[DisputeReason] = mapped_column(_enum(DisputeReason, "dispute_reason"))
    details: Mapped[str] = mapped_column(Text, default="")
    #: Evidence kept outside the web root; only its stored name, never a path from the user.
    evidence_file: Mapped[str | None] = mapped_column(String(80))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[DisputeStatus] = mapped_column(
        _enum(DisputeStatus, "dispute_status"), default=DisputeStatus.OPEN
    )
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # the debtor can now agree it as a plan
    DECLINED = "declined"
    COUNTERED = "countered"  # the collector proposed another plan
    AGREED = "agreed"  # the debtor agreed the accepted or countered plan


class Offer(db.Model):
    """A plan the debtor proposed because what they can afford is outside the policy."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount: Mapped[int]  # per payment, minor units
    frequency: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    #: Income and outgoings, only when the debtor chose to share them.
    affordability: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[OfferStatus] = mapped_column(
        _enum(OfferStatus, "offer_status"), default=OfferStatus.PENDING
    )
    counter_amount: Mapped[int | None]
    counter_frequency: Mapped[str | None] = mapped_column(String(20))
    counter_start_date: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()


class RequestKind(enum.StrEnum):
    PROMISE = "promise"  # "I will pay on this date"
    HARDSHIP = "hardship"  # "I can't pay right now": a pause and a call back


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class SupportRequest(db.Model):
    """A promise to pay or a hardship call-back request; both pause reminders for a while."""

    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind, "request_kind"))
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "request_status"), default=RequestStatus.OPEN
    )
    promise_date: Mapped[date | None] = mapped_column(Date)
    promise_amount: Mapped[int | None]
    phone: Mapped[str | None] = mapped_column(String(40))
    call_days: Mapped[str | None] = mapped_column(String(120))
    call_times: Mapped[str | None] = mapped_column(String(120))
    explanation: Mapped[str] = mapped_column(Text, default="")
    pause_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship()
