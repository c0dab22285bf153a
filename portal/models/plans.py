"""Creditor policies (versioned), agreed plans (settlements and instalments) and their payments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Account
from portal.models.people import Creditor
from portal.models.types import UTCDateTime, utcnow


def _enum(kind, name: str):
    return Enum(kind, name=name, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class CreditorPolicy(db.Model):
    """One version of what a creditor allows. Never changed once written: a change is a new version."""

    __tablename__ = "creditor_policies"
    __table_args__ = (UniqueConstraint("creditor_id", "version", name="uq_policy_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    version: Mapped[int]
    settings: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creditor: Mapped[Creditor] = relationship()


class PlanKind(enum.StrEnum):
    INSTALMENTS = "instalments"
    SETTLEMENT = "settlement"


class PlanStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("creditor_policies.id"))
    kind: Mapped[PlanKind] = mapped_column(_enum(PlanKind, "plan_kind"))
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus, "plan_status"), default=PlanStatus.ACTIVE)
    #: Equals account_id while the plan is active: one active plan per account, by the database.
    active_account_id: Mapped[int | None] = mapped_column(unique=True)
    frequency: Mapped[str | None] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int]
    #: For a settlement, what the creditor forgives once the settlement amount is paid.
    forgiven: Mapped[int] = mapped_column(default=0)
    stripe_payment_method_id: Mapped[str | None] = mapped_column(String(64))
    card_brand: Mapped[str | None] = mapped_column(String(30))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    #: The exact consent wording the debtor saw and agreed to, in their language, and when.
    consent_text: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    misses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()
    policy: Mapped[CreditorPolicy] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(back_populates="plan", order_by="Instalment.number")


class InstalmentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    PAID = "paid"
    MISSED = "missed"  # retries used up or a hard decline; the plan counts a miss
    CANCELLED = "cancelled"


class Instalment(db.Model):
    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_instalment_number"),
        # What the due-payment runner claims: scheduled instalments whose day has come, oldest first.
        Index(
            "ix_instalments_due",
            "next_attempt_on",
            "id",
            postgresql_where=text("status = 'scheduled'"),
            sqlite_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int]
    status: Mapped[InstalmentStatus] = mapped_column(
        _enum(InstalmentStatus, "instalment_status"), default=InstalmentStatus.SCHEDULED
    )
    #: When the runner should next try to charge it (the due date, then the retry dates).
    next_attempt_on: Mapped[date] = mapped_column(Date, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: A runner's lease: until then no other runner takes this instalment. A crashed runner's
    #: lease simply runs out, and the next one reuses the recorded attempt's idempotency key.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[Plan] = relationship(back_populates="instalments")
