"""The facts Regulation F (12 CFR 1006.34) asks a collector to give: the itemisation of the debt
since the itemization date and the last day to dispute it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.accounts.itemisation import Itemisation, itemise
from portal.domain import contact
from portal.extensions import db
from portal.models import Account, MagicLink
from portal.notify import rules


@dataclass(frozen=True)
class ValidationInfo:
    itemisation: Itemisation
    #: The day the first link for the account was issued, on the debtor's calendar.
    first_contact_on: date | None
    #: The last day to dispute (or ask for the original creditor) within the validation period.
    dispute_by: date | None


def dispute_by(first_contact_on: date, days: int) -> date:
    """The validation period ends *days* days after the first contact (no safe-harbour days)."""
    return first_contact_on + timedelta(days=days)


def first_link_issued(account: Account) -> datetime | None:
    """When the account's first link was made: the portal's first message about the debt."""
    return db.session.scalar(
        select(MagicLink.created_at)
        .where(MagicLink.account_id == account.id)
        .order_by(MagicLink.created_at, MagicLink.id)
        .limit(1)
    )


def validation_info(account: Account, days: int) -> ValidationInfo:
    first = first_link_issued(account)
    first_on = contact.local_date(first, rules.contact_zone(account)) if first else None
    return ValidationInfo(
        itemisation=itemise(account),
        first_contact_on=first_on,
        dispute_by=dispute_by(first_on, days) if first_on else None,
    )
