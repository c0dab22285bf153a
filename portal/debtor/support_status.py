"""What the overview shows about the debtor's own offer, promise and paused reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts import eligibility
from portal.models import Account, Offer, OfferStatus, RequestKind, RequestStatus, SupportRequest
from portal.offers import service as offers


@dataclass(frozen=True)
class SupportStatus:
    #: The latest offer, unless it became a plan (the plan is shown instead).
    offer: Offer | None
    #: Reminders wait until after this date; None when they are not paused.
    paused_until: date | None
    #: Where the offer stands, for the page to ask instead of comparing status words.
    offer_waiting: bool
    offer_accepted: bool
    offer_countered: bool
    offer_declined: bool
    #: An open promise whose date has not passed.
    promise: SupportRequest | None
    reply_by: date | None


def open_promise_of(account_id, today: date):
    """The id of the account's latest open promise whose date has not passed, as a subquery for a
    caller's statement (the overview reads it with the rest of what it shows)."""
    return (
        select(func.max(SupportRequest.id))
        .where(
            SupportRequest.account_id == account_id,
            SupportRequest.kind == RequestKind.PROMISE,
            SupportRequest.status == RequestStatus.OPEN,
            SupportRequest.promise_date >= today,
        )
        .scalar_subquery()
    )


def for_account(account: Account, today: date, promise: SupportRequest | None) -> SupportStatus:
    """Where the debtor's own offer, promise (*promise*, read by `open_promise_of`) and paused
    reminders stand on *today*."""
    offer = eligibility.standing(account).offer  # read once with what the rules read
    if offer is not None and offer.status is OfferStatus.AGREED:
        offer = None
    paused = account.reminders_paused_until
    return SupportStatus(
        offer=offer,
        offer_waiting=offer is not None and offer.status is OfferStatus.PENDING,
        offer_accepted=offer is not None and offer.status is OfferStatus.ACCEPTED,
        offer_countered=offer is not None and offer.status is OfferStatus.COUNTERED,
        offer_declined=offer is not None and offer.status is OfferStatus.DECLINED,
        paused_until=paused if paused is not None and paused >= today else None,
        promise=promise,
        reply_by=offers.reply_by(offer.created_at.date()) if offer is not None else None,
    )
