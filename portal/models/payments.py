"""Card payment attempts (one per Stripe PaymentIntent) and the payments they produced."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Account
from portal.models.types import UTCDateTime, utcnow


class AttemptStatus(enum.StrEnum):
    CREATED = "created"  # recorded before Stripe was called
    REQUIRES_ACTION = "requires_action"  # waiting for 3-D Secure in the browser
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


LIVE_STATUSES = frozenset({AttemptStatus.CREATED, AttemptStatus.REQUIRES_ACTION})


class Purpose(enum.StrEnum):
    """What a payment is for; it decides the amount, which the server always works out itself."""

    FULL = "full"
    PART = "part"
    SETTLEMENT = "settlement"
    INSTALMENT = "instalment"
    PAYOFF = "payoff"  # the rest of a running plan


class PaymentAttempt(db.Model):
    __tablename__ = "payment_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Equals account_id while the attempt is live, else NULL: the unique index makes
    #: "one live PaymentIntent per obligation" a database rule, not just a habit.
    live_account_id: Mapped[int | None] = mapped_column(unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    purpose: Mapped[Purpose] = mapped_column(
        Enum(
            Purpose,
            name="payment_purpose",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=Purpose.FULL,
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalments.id"), index=True)
    #: True when charged by the runner without the debtor present.
    off_session: Mapped[bool] = mapped_column(default=False)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_payment_method_id: Mapped[str | None] = mapped_column(String(64))
    card_brand: Mapped[str | None] = mapped_column(String(30))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[AttemptStatus] = mapped_column(
        Enum(
            AttemptStatus,
            name="attempt_status",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=AttemptStatus.CREATED,
    )
    failure_code: Mapped[str | None] = mapped_column(String(64))
    #: While set and in the future, a request (or the runner) is talking to Stripe for this
    #: attempt and nobody else may retire it; it lapses on its own if that process dies.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship()


class Payment(db.Model):
    """Money received. The unique PaymentIntent id is what makes recording exactly-once."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempts.id"))
    stripe_payment_intent_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20), default="card")
    card_brand: Mapped[str | None] = mapped_column(String(30))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    #: The part of *amount* given back because it was more than was owed when it was recorded;
    #: only amount - refunded counts against the debt.
    refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Stripe's Refund for *refunded*; NULL while that refund is still to be made.
    stripe_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="payments")
    attempt: Mapped[PaymentAttempt | None] = relationship()

    @property
    def kept(self) -> int:
        """What this payment took off the debt: the amount less any over-payment given back."""
        return self.amount - (self.refunded or 0)
