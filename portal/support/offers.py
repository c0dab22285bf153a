"""A debtor's own offer: made, decided by a person, then agreed as a plan. The one place an
offer changes state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal import timeline
from portal.domain.schedules import Frequency, Instalment, schedule, split_by_amount
from portal.extensions import db
from portal.models import Account, Offer, OfferStatus
from portal.models.types import utcnow

#: A person looks at an offer within this many working days: every page that says so shows this
#: number (the template global `reply_working_days`), and the reply-by date counts it. Two or more:
#: the sentences say "days".
REPLY_WORKING_DAYS = 2
#: Longest note a debtor can add to an offer.
NOTE_MAX = 1000

_MOVES = {
    OfferStatus.PENDING: {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.COUNTERED},
    OfferStatus.ACCEPTED: {OfferStatus.AGREED},
    OfferStatus.COUNTERED: {OfferStatus.AGREED},
    OfferStatus.DECLINED: set(),
    OfferStatus.AGREED: set(),
}
#: Offers a person has answered and the debtor may now agree.
AGREEABLE = (OfferStatus.ACCEPTED, OfferStatus.COUNTERED)


class OfferStateError(ValueError):
    """A move the offer cannot make, such as deciding it twice."""

    def __init__(self, offer: Offer, new: OfferStatus):
        super().__init__(f"offer {offer.id} is {offer.status.value}; it cannot become {new.value}")
        self.offer = offer
        self.new = new


def move(offer: Offer, new: OfferStatus) -> None:
    """Change the offer's status, or raise OfferStateError for a move that makes no sense."""
    if new not in _MOVES[offer.status]:
        raise OfferStateError(offer, new)
    offer.status = new


@dataclass(frozen=True)
class Terms:
    """What would be paid: so much per payment, this often, from this date."""

    amount: int
    frequency: Frequency
    start: date


def working_days_after(day: date, count: int) -> date:
    """The date *count* working days (Monday to Friday) after *day*."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def reply_by(made_on: date) -> date:
    return working_days_after(made_on, REPLY_WORKING_DAYS)


def offer_schedule(balance: int, terms: Terms, today: date) -> list[Instalment]:
    """Payments of the agreed amount until *balance* is paid, the remainder last.

    A start date that has passed by the time the debtor agrees moves to *today*: the first
    payment is then taken on the day they agree, and the rest follow at the agreed frequency.
    """
    first = max(terms.start, today)
    return schedule(first, terms.frequency, split_by_amount(balance, terms.amount))


def agreed_terms(offer: Offer) -> Terms:
    """The terms the debtor can agree now: their own when accepted, the collector's when countered."""
    if offer.status is OfferStatus.COUNTERED:
        return Terms(offer.counter_amount, Frequency(offer.counter_frequency), offer.counter_start_date)
    return Terms(offer.amount, Frequency(offer.frequency), offer.start_date)


def latest(account_id: int) -> Offer | None:
    return db.session.scalars(
        select(Offer).where(Offer.account_id == account_id).order_by(Offer.id.desc()).limit(1)
    ).first()


def open_offer(account_id: int) -> Offer | None:
    """The offer waiting for a person or for the debtor, if there is one."""
    offer = latest(account_id)
    if offer is not None and offer.status in (OfferStatus.PENDING, *AGREEABLE):
        return offer
    return None


def make_offer(account: Account, terms: Terms, note: str, affordability: dict | None) -> Offer:
    """Record the debtor's offer for a person to look at. *affordability* only when they chose to share."""
    offer = Offer(
        account_id=account.id,
        amount=terms.amount,
        frequency=terms.frequency.value,
        start_date=terms.start,
        note=note[:NOTE_MAX],
        affordability=affordability or None,
        status=OfferStatus.PENDING,
    )
    db.session.add(offer)
    db.session.flush()
    timeline.record(
        account,
        "offer_made",
        actor="debtor",
        offer_id=offer.id,
        amount=terms.amount,
        frequency=terms.frequency.value,
        start_date=terms.start.isoformat(),
        shared_affordability=bool(affordability),
    )
    return offer


def accept(offer: Offer) -> None:
    move(offer, OfferStatus.ACCEPTED)
    _decided(offer, "offer_accepted")


def decline(offer: Offer, reason: str) -> None:
    if not reason.strip():
        raise ValueError("a declined offer needs a reason the debtor can read")
    move(offer, OfferStatus.DECLINED)
    offer.decision_note = reason.strip()
    _decided(offer, "offer_declined")


def counter(offer: Offer, terms: Terms, reason: str = "") -> None:
    move(offer, OfferStatus.COUNTERED)
    offer.counter_amount = terms.amount
    offer.counter_frequency = terms.frequency.value
    offer.counter_start_date = terms.start
    offer.decision_note = reason.strip() or None
    _decided(
        offer,
        "offer_countered",
        amount=terms.amount,
        frequency=terms.frequency.value,
        start_date=terms.start.isoformat(),
    )


def _decided(offer: Offer, kind: str, **facts) -> None:
    offer.decided_at = utcnow()
    timeline.record(offer.account_id, kind, actor="collector", offer_id=offer.id, **facts)


def mark_agreed(offer: Offer, plan_id: int) -> None:
    """The debtor agreed the accepted or countered plan; called in the plan's transaction."""
    move(offer, OfferStatus.AGREED)
    timeline.record(offer.account_id, "offer_agreed", actor="debtor", offer_id=offer.id, plan_id=plan_id)
