"""Staff users of the console, their server-held sessions, and the audit log of signing in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, Enum, ForeignKey, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.events import AppendOnlyError
from portal.models.people import Creditor
from portal.models.types import UTCDateTime, utcnow


class StaffRole(enum.StrEnum):
    AGENT = "agent"  # works accounts
    SUPERVISOR = "supervisor"  # also decides offers and disputes, refunds, runs campaigns, edits policies
    ADMIN = "admin"  # also manages staff

    @property
    def rank(self) -> int:
        return list(StaffRole).index(self)

    def at_least(self, other: StaffRole) -> bool:
        return self.rank >= other.rank


staff_creditors = Table(
    "staff_creditors",
    db.metadata,
    Column("staff_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
    Column("creditor_id", ForeignKey("creditors.id"), primary_key=True),
)


class StaffUser(db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kept lower-case, so signing in does not depend on how it was typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[StaffRole] = mapped_column(
        Enum(
            StaffRole,
            name="staff_role",
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    #: argon2id; empty until the person sets one through their set-up link.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: The TOTP key (base32); empty until the second factor is set up.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None]
    #: SHA-256 of each unused recovery code.
    recovery_hashes: Mapped[list] = mapped_column(JSON, default=list)
    #: SHA-256 of the one-time set-up token (first sign-in, or after reset-staff).
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: The creditors this person may see; none listed means every creditor.
    creditors: Mapped[list[Creditor]] = relationship(secondary=staff_creditors, order_by=Creditor.name)

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def ready(self) -> bool:
        """Set up: a password and a second factor."""
        return bool(self.password_hash and self.totp_secret) and self.setup_token_hash is None

    def may(self, role: StaffRole) -> bool:
        return self.role.at_least(role)


class StaffSession(db.Model):
    """A signed-in console session; the cookie carries a random id whose SHA-256 is kept here."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "signed_out", "everywhere", "idle", "too_long", "disabled", "reset".
    end_reason: Mapped[str | None] = mapped_column(String(20))

    staff: Mapped[StaffUser] = relationship()


class StaffAudit(db.Model):
    """Signing in and out, failures, set-up and changes to staff: append-only, like the timeline."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: As typed on the sign-in page when no such person exists; else the person's address.
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@event.listens_for(StaffAudit, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("the staff audit log is never changed")


@event.listens_for(StaffAudit, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("the staff audit log is never deleted from")
