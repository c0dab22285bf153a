"""An account: one debt owed by one person to one creditor."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.money import Money
from portal.extensions import db
from portal.models.people import Creditor, Debtor
from portal.models.types import UTCDateTime, utcnow


class AccountStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    SETTLED = "settled"  # a settlement was paid; the rest was forgiven
    CLOSED = "closed"  # a dispute was upheld: nothing is owed


class Account(db.Model):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("creditor_id", "reference", name="uq_account_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"))
    reference: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3))
    #: Amounts in the currency's minor units, as itemised by the creditor.
    principal: Mapped[int]
    interest: Mapped[int] = mapped_column(default=0)
    fees: Mapped[int] = mapped_column(default=0)
    #: Forgiven by the creditor under a paid settlement.
    forgiven: Mapped[int] = mapped_column(default=0)
    original_creditor: Mapped[str | None] = mapped_column(String(200))
    itemization_date: Mapped[date | None] = mapped_column(Date)
    #: What the debt is for ("Emergency room visit"), and when the service was given, from the import.
    description: Mapped[str | None] = mapped_column(String(500))
    service_date: Mapped[date | None] = mapped_column(Date)
    #: The account number the debt had with the creditor on the itemization date (Regulation F,
    #: 12 CFR 1006.34(c)(2)(iv)), as the creditor sends it (perhaps truncated, such as ****1234).
    original_account_number: Mapped[str | None] = mapped_column(String(50))
    #: IANA zone for contact hours; empty falls back to the creditor's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: True while a dispute is open: no reminders, no charges, no new links until it is resolved.
    on_hold: Mapped[bool] = mapped_column(default=False)
    #: Reminders wait until after this date (a promise to pay, or a hardship pause).
    reminders_paused_until: Mapped[date | None] = mapped_column(Date)
    #: Set when a change needs a person to look at it, e.g. an import that changed an account with
    #: payments, a plan or a dispute; review_reason says why. The staff console shows and clears it.
    needs_review: Mapped[bool] = mapped_column(default=False)
    review_reason: Mapped[str | None] = mapped_column(String(120))
    #: Set when too many wrong identity answers arrived across the account's links; every link
    #: is refused until a collector issues a new one.
    identity_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Wrong identity answers before this moment no longer count (a collector unlocked the account).
    identity_counted_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[AccountStatus] = mapped_column(
        Enum(
            AccountStatus,
            name="account_status",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=AccountStatus.OPEN,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    creditor: Mapped[Creditor] = relationship()
    debtor: Mapped[Debtor] = relationship(back_populates="accounts")
    payments: Mapped[list[Payment]] = relationship(  # noqa: F821
        back_populates="account", order_by="Payment.paid_at"
    )

    def money(self, minor: int) -> Money:
        return Money(minor, self.currency)

    @property
    def total_owed(self) -> Money:
        """What the creditor itemised: principal + interest + fees."""
        return self.money(self.principal + self.interest + self.fees)

    @property
    def paid(self) -> Money:
        return self.money(sum(p.kept for p in self.payments))

    @property
    def balance(self) -> Money:
        """What is still owed after payments recorded here and anything forgiven; never negative."""
        return self.money(max(self._left_minor, 0))

    @property
    def overpaid(self) -> Money:
        """What was paid (or forgiven) beyond the total owed: zero unless a person must refund it."""
        return self.money(max(-self._left_minor, 0))

    @property
    def _left_minor(self) -> int:
        return self.principal + self.interest + self.fees - sum(p.kept for p in self.payments) - self.forgiven

    @property
    def is_closed(self) -> bool:
        return self.status is not AccountStatus.OPEN
