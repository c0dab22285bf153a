"""Webhooks out: endpoints, the messages for them, and each delivery attempt."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.people import Creditor
from portal.models.types import UTCDateTime, utcnow


class EndpointState(enum.StrEnum):
    ENABLED = "enabled"
    #: Switched off by a person (`disabled_reason` "disabled") or because it kept failing ("failing").
    DISABLED = "disabled"
    #: Taken away by the creditor: never enabled again, kept for its delivery log.
    REMOVED = "removed"


class DeliveryStatus(enum.StrEnum):
    #: Not tried yet (new, replayed, or waiting behind an earlier message for the same account).
    PENDING = "pending"
    #: Tried and refused or unanswered; tried again at `next_attempt_at`.
    FAILED = "failed"
    #: The endpoint answered 2xx.
    DELIVERED = "delivered"
    #: Every try of the back-off schedule failed (about a day); never tried again unless replayed.
    ABANDONED = "abandoned"


#: A delivery in one of these states holds back later messages for the same account and endpoint.
UNDELIVERED = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookEndpoint(db.Model):
    """A URL of one creditor's collection system that is told of events."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    #: "whsec_" + base64 of 24 random bytes (Standard Webhooks); kept as it is, since signing needs it.
    secret: Mapped[str] = mapped_column(String(100))
    #: The event types sent; None means every type, including types added later.
    event_types: Mapped[list | None] = mapped_column(JSON)
    #: Told by email when the endpoint is disabled for failing.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    state: Mapped[EndpointState] = mapped_column(
        Enum(
            EndpointState,
            name="webhook_endpoint_state",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=EndpointState.ENABLED,
    )
    #: "disabled" (a person), "failing" (every delivery failed for a day) or "removed".
    disabled_reason: Mapped[str | None] = mapped_column(String(20))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the first of the failures since the last success happened; None while it delivers.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the contact was told it was disabled for failing (None: not yet, or nobody to tell).
    notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creditor: Mapped[Creditor] = relationship()

    def wants(self, event_type: str) -> bool:
        """True when this endpoint is sent *event_type*."""
        return self.event_types is None or event_type in self.event_types


class WebhookMessage(db.Model):
    """One event as its receivers see it; every delivery and retry of it carries the same id."""

    __tablename__ = "webhook_messages"
    __table_args__ = (Index("ix_webhook_messages_creditor_created", "creditor_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The `webhook-id` header: "msg_" and random letters; receivers de-duplicate on it.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    #: The body sent: {"type", "timestamp", "data"}; no secrets, tokens or dates of birth.
    payload: Mapped[dict] = mapped_column(JSON)
    #: The timeline event's number on the account: messages for one account go out in this order.
    account_seq: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(db.Model):
    """One message for one endpoint, until it is delivered or given up on."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The deliverer's scan for due work, and its look for an earlier message of the same account.
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_queue", "endpoint_id", "account_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id"), index=True)
    #: The message's account and its order on it, copied here so the ordering needs no join.
    account_id: Mapped[int]
    account_seq: Mapped[int]
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(
            DeliveryStatus,
            name="webhook_delivery_status",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=DeliveryStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A deliverer holds it until then (it may be talking to the endpoint); after, another may try.
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    message: Mapped[WebhookMessage] = relationship()


class WebhookAttempt(db.Model):
    """One try of a delivery: the endpoint's delivery log."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_endpoint", "endpoint_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The HTTP status answered; None when no answer came (timeout, refused connection).
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    #: Why it failed, in a few words (an error class, "HTTP 500"); None when delivered.
    error: Mapped[str | None] = mapped_column(String(200))

    delivery: Mapped[WebhookDelivery] = relationship()
