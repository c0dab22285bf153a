"""The outbox: every email and text message to a person, from the moment it is caused to what the
provider last said about it, and the campaigns that send links to many people at once."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Account
from portal.models.people import Creditor, Debtor
from portal.models.types import UTCDateTime, utcnow


class MessageStatus(enum.StrEnum):
    #: Waiting for its moment (`not_before`) or for a sender to take it.
    QUEUED = "queued"
    #: A sender holds it under a lease and may be talking to the provider now.
    SENDING = "sending"
    #: The provider took it.
    SENT = "sent"
    #: The provider says it reached the phone or the mail server at the other end.
    DELIVERED = "delivered"
    #: The contact rules said no at sending time (`reason` says why); nothing went.
    REFUSED = "refused"
    #: The provider refused it for good, or every retry failed (`reason` has the error).
    FAILED = "failed"
    #: The receiving mail server refused the address.
    BOUNCED = "bounced"
    #: A sender stopped between asking the provider and recording the answer: it may have gone,
    #: so it is never tried again (a status callback may still settle it).
    UNCONFIRMED = "unconfirmed"


#: States a message is no longer sent from.
FINISHED = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.REFUSED,
    MessageStatus.FAILED,
    MessageStatus.BOUNCED,
    MessageStatus.UNCONFIRMED,
)


class Campaign(db.Model):
    """Links sent to many of one creditor's accounts by one command."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    #: "email", "sms" or "preferred".
    channel: Mapped[str] = mapped_column(String(10))
    #: How the accounts were chosen, in words (a file's name, "never contacted", ...).
    selection: Mapped[str] = mapped_column(String(200))
    link_days: Mapped[int | None] = mapped_column()
    #: What makes a run of the command the same campaign (creditor, selection, channel, day): the
    #: same command run again finds it and queues only what is missing.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    creditor: Mapped[Creditor] = relationship()


class Message(db.Model):
    """One email or text message to one person about one account."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The sender's scan: what is waiting and due, oldest moment first.
        Index("ix_outbox_due", "status", "not_before"),
        # The contact limit counts what went to a person in the last days.
        Index("ix_outbox_person_sent", "debtor_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: The magic link the message carries, once it is written (link messages issue it when sent).
    link_id: Mapped[int | None] = mapped_column(ForeignKey("magic_links.id"), index=True)
    #: "email" or "sms"; "preferred" only while a link message waits to choose at sending time.
    channel: Mapped[str] = mapped_column(String(10))
    #: What it is about: "receipt", "reminder", "link", "plan_confirmation", ...
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(10))
    #: Two messages with one key are one message: whoever causes it twice finds it queued.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: Answers something the person just did (a receipt): contact hours and a hold do not apply.
    debtor_initiated: Mapped[bool] = mapped_column(default=False)
    #: The earliest moment it may go; a message the rules hold back gets the next allowed one.
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[MessageStatus] = mapped_column(
        Enum(MessageStatus, native_enum=False, length=20, validate_strings=True),
        default=MessageStatus.QUEUED,
    )
    #: Why it was refused or failed (a rule's reason code, a provider's error code).
    reason: Mapped[str | None] = mapped_column(String(60))
    #: The address it went to (an email address or a phone number), as it was when it went.
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    #: The exact text the person received (for a link message, written when it is sent).
    body: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    #: [{"filename", "maintype", "subtype", "content" (base64)}]
    attachments: Mapped[list | None] = mapped_column(JSON)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    #: What the caller wants on the timeline with each outcome (ids such as payment_id).
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    segments: Mapped[int | None] = mapped_column()
    tries: Mapped[int] = mapped_column(default=0)
    #: A sender's lease: until then no other sender takes it.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The provider's id for it (Twilio's message SID, the email's Message-ID).
    provider_id: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()
    debtor: Mapped[Debtor] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
