"""The one place every sender asks before contacting a person, and why the answer was no."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.domain import contact
from portal.extensions import db
from portal.models import Account, Debtor, OptOut

#: Reason codes, recorded on the timeline when a message is not sent.
NO_ADDRESS = "no_address"
OPTED_OUT = "opted_out"
OUTSIDE_HOURS = "outside_hours"

EMAIL = "email"


def contact_zone(account: Account) -> str:
    """The IANA zone whose clock decides contact hours: the account's, else its creditor's."""
    return account.timezone or account.creditor.timezone


def opted_out(debtor: Debtor, channel: str) -> bool:
    """True when the person asked us to stop using *channel* ("email", ...)."""
    found = db.session.scalar(
        select(OptOut.id).where(OptOut.debtor_id == debtor.id, OptOut.channel == channel).limit(1)
    )
    return found is not None


def email_allowed(
    debtor: Debtor, account: Account, now: datetime, *, debtor_initiated: bool = False
) -> tuple[bool, str]:
    """May we email *debtor* about *account* at *now* (aware)? (True, "") or (False, reason code).

    *debtor_initiated* is for answering the person (a receipt right after they paid): that is
    not calling on them, so the contact hours do not apply. An opt-out always does.
    """
    if not debtor.email:
        return False, NO_ADDRESS
    if opted_out(debtor, EMAIL):
        return False, OPTED_OUT
    if not debtor_initiated and not contact.within_contact_hours(now, contact_zone(account)):
        return False, OUTSIDE_HOURS
    return True, ""
