"""Card payment attempts (one per Stripe PaymentIntent), the payments received, and refunds staff made."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
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
    """Money received. The unique PaymentIntent id is what makes recording a card payment exactly-once;
    money received outside the portal (a cheque, a bank transfer) has none, and its method and
    reference are unique on the account instead."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("account_id", "method", "reference", name="uq_payments_outside_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempts.id"))
    #: NULL for money received outside the portal: there is nothing at Stripe to point at.
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    #: "card" (through Stripe), or how money received outside the portal came (OUTSIDE_METHODS).
    method: Mapped[str] = mapped_column(String(20), default="card")
    #: The cheque number, phone payment or bank transfer reference of money received outside the portal.
    reference: Mapped[str | None] = mapped_column(String(100))
    card_brand: Mapped[str | None] = mapped_column(String(30))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    #: The part of *amount* given back: an over-payment refunded when it was recorded, and any
    #: refund a supervisor made since (PaymentRefund); only amount - refunded counts against the debt.
    refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Stripe's first Refund of this payment (the over-payment's, or else the first a supervisor
    #: made); NULL while an over-payment's refund is still to be made, or nothing was refunded.
    stripe_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="payments")
    attempt: Mapped[PaymentAttempt | None] = relationship()

    @property
    def kept(self) -> int:
        """What this payment took off the debt: the amount less anything given back."""
        return self.amount - (self.refunded or 0)

    @property
    def refundable(self) -> int:
        """What may still be given back through Stripe (nothing for money received outside the portal)."""
        if self.stripe_payment_intent_id is None:
            return 0
        return self.kept


#: How money received outside the portal came (Payment.method); "card" is Stripe's.
OUTSIDE_METHODS = ("cheque", "phone", "bank_transfer", "other")


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # recorded before Stripe was asked; Stripe's answer not yet recorded
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # Stripe refused it: no money moved


class PaymentRefund(db.Model):
    """A refund a supervisor asked Stripe for, written with its idempotency key before Stripe hears of it."""

    __tablename__ = "payment_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: Equals payment_id while the refund is pending, else NULL: the unique index makes "one
    #: refund of a payment in flight at a time" a database rule, as live_account_id does for attempts.
    live_payment_id: Mapped[int | None] = mapped_column(unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[RefundStatus] = mapped_column(
        Enum(
            RefundStatus,
            name="refund_status",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=RefundStatus.PENDING,
    )
    failure_code: Mapped[str | None] = mapped_column(String(64))
    #: While set and in the future, a request is talking to Stripe for this refund and nobody
    #: else may ask again; it lapses on its own if that process dies.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who asked for it, as the timeline names them ("staff:12").
    requested_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    payment: Mapped[Payment] = relationship()
