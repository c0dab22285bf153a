"""A debtor's own offer: made, decided by a person, then agreed as a plan. The one place an
offer changes state."""

from __future__ import annotations

from sqlalchemy import select

from portal import timeline
from portal.domain import transitions

# The offer's rules live in the domain; its callers keep finding them here too.
from portal.domain.offers import REPLY_WORKING_DAYS as REPLY_WORKING_DAYS
from portal.domain.offers import Terms as Terms
from portal.domain.offers import offer_schedule as offer_schedule
from portal.domain.offers import reply_by as reply_by
from portal.domain.schedules import Frequency
from portal.extensions import db
from portal.models import Account, Offer, OfferStatus
from portal.models.types import utcnow

#: Longest note a debtor can add to an offer.
NOTE_MAX = 1000

#: Offers a person has answered and the debtor may now agree.
AGREEABLE = (OfferStatus.ACCEPTED, OfferStatus.COUNTERED)


def move(offer: Offer, new: OfferStatus) -> None:
    """Change the offer's status, or raise TransitionError for a move that makes no sense."""
    transitions.OFFER.move(offer, new)


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


# *actor* is who decided, as the timeline names them: "collector" for the command, "staff:<id>"
# for a person in the console. The decision as a whole (lock, email) is offers/decisions.py.


def accept(offer: Offer, actor: str = "collector") -> None:
    move(offer, OfferStatus.ACCEPTED)
    _decided(offer, "offer_accepted", actor)


def decline(offer: Offer, reason: str, actor: str = "collector") -> None:
    if not reason.strip():
        raise ValueError("a declined offer needs a reason the debtor can read")
    move(offer, OfferStatus.DECLINED)
    offer.decision_note = reason.strip()
    _decided(offer, "offer_declined", actor)


def counter(offer: Offer, terms: Terms, reason: str = "", actor: str = "collector") -> None:
    move(offer, OfferStatus.COUNTERED)
    offer.counter_amount = terms.amount
    offer.counter_frequency = terms.frequency.value
    offer.counter_start_date = terms.start
    offer.decision_note = reason.strip() or None
    _decided(
        offer,
        "offer_countered",
        actor,
        amount=terms.amount,
        frequency=terms.frequency.value,
        start_date=terms.start.isoformat(),
    )


def _decided(offer: Offer, kind: str, actor: str, **facts) -> None:
    offer.decided_at = utcnow()
    timeline.record(offer.account_id, kind, actor=actor, offer_id=offer.id, **facts)


def mark_agreed(offer: Offer, plan_id: int) -> None:
    """The debtor agreed the accepted or countered plan; called in the plan's transaction."""
    move(offer, OfferStatus.AGREED)
    timeline.record(offer.account_id, "offer_agreed", actor="debtor", offer_id=offer.id, plan_id=plan_id)
