"""The order of the staff's "Today" worklist: what is owed to the person first (promises due,
missed instalments, call-backs, answers), then the balances most likely to be paid."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


class Why(enum.StrEnum):
    """Why an account is on the list today."""

    #: A promise to pay is due today or overdue.
    PROMISE_DUE = "promise_due"
    #: A plan just missed a payment.
    PLAN_MISSED = "plan_missed"
    #: The person asked to be called back.
    CALLBACK = "callback"
    #: A debtor's offer is waiting for a decision.
    OFFER = "offer"
    #: A dispute is waiting.
    DISPUTE = "dispute"
    #: A large balance with a good chance of payment.
    BALANCE = "balance"


# The groups, in the order staff work them. Offers and disputes share a group because both are a
# person waiting for an answer by a date, and the one waiting longest should be answered first.
_GROUP = {
    Why.PROMISE_DUE: 0,
    Why.PLAN_MISSED: 1,
    Why.CALLBACK: 2,
    Why.OFFER: 3,
    Why.DISPUTE: 3,
    Why.BALANCE: 4,
}


@dataclass(frozen=True)
class Item:
    account_id: int
    why: Why
    #: When it started waiting (aware); offers and disputes are taken oldest first.
    since: datetime
    #: The promise date, or the date of the missed instalment.
    due: date | None = None
    #: The soonest time the person said suits them for the call-back (aware).
    preferred: datetime | None = None
    #: Offers and disputes: the date by which it must be answered.
    answer_by: date | None = None
    balance_minor: int = 0
    #: Estimated chance of payment, 0 to 1 (see payment_chance).
    chance: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.balance_minor, int):
            raise TypeError("balance_minor is an integer number of minor units")
        if not 0.0 <= self.chance <= 1.0:
            raise ValueError(f"chance must be from 0 to 1, not {self.chance!r}")


def _key(item: Item) -> tuple:
    """Sorts *item* into its group and its place there; account_id, then why, break every tie."""
    group = _GROUP[item.why]
    tail = (item.account_id, item.why.value)
    if item.why is Why.PROMISE_DUE:
        # Earliest promise first; one with no date recorded goes after those with one.
        return (group, item.due is None, item.due or date.min, *tail)
    if item.why is Why.PLAN_MISSED:
        # The most recent miss first: the sooner after a miss the call, the likelier the plan is saved.
        return (group, item.due is None, -(item.due or date.min).toordinal(), *tail)
    if item.why is Why.CALLBACK:
        if item.preferred is not None:
            return (group, 0, item.preferred, *tail)
        return (group, 1, item.since, *tail)
    if group == _GROUP[Why.OFFER]:
        return (group, item.since, *tail)
    expected = item.balance_minor * item.chance
    return (group, -expected, -item.balance_minor, *tail)


def order(items: Iterable[Item]) -> list[Item]:
    """The worklist in the order staff should work it, each account once.

    An account with several reasons keeps only its first item in this order (a promise due
    before a call-back, say): one call covers them all, and staff see the account once.
    """
    seen: set[int] = set()
    ordered = []
    for item in sorted(items, key=_key):
        if item.account_id not in seen:
            seen.add(item.account_id)
            ordered.append(item)
    return ordered


def days_left(answer_by: date, today: date) -> int:
    """Days from *today* until *answer_by*: 0 on the day itself, negative once it is late."""
    return (answer_by - today).days


# The weights of payment_chance. Round numbers on purpose: they are a judgement to be checked
# against what people actually paid, not a fit to data we do not have yet.
_BASE = 0.20
_OPENED_LINK = 0.15
_CONFIRMED_IDENTITY = 0.15
_PAID_BEFORE = 0.25
_PER_BROKEN_PLAN = 0.10
_MAX_BROKEN_PLANS = 3
_RECENT_CONTACT = 0.15
_CONTACT_FADES_DAYS = 30


def payment_chance(
    *,
    opened_link: bool,
    confirmed_identity: bool,
    paid_before: bool,
    broken_plans: int,
    days_since_contact: int | None,
) -> float:
    """A rough chance, from 0 to 1, that the person pays: a heuristic with fixed weights, not a
    model trained on outcomes, so that staff can see why one balance comes before another."""
    # Opening the link and confirming identity show the person is engaging with the debt; having
    # paid before is the strongest sign of paying again; each broken plan is a promise not kept
    # (counted up to three, so one bad year does not bury an account); recent contact means the
    # person can be reached now, fading to nothing after 30 days. No contact yet counts as none.
    if broken_plans < 0:
        raise ValueError("broken_plans cannot be negative")
    if days_since_contact is not None and days_since_contact < 0:
        raise ValueError("days_since_contact cannot be negative")
    chance = _BASE
    chance += _OPENED_LINK if opened_link else 0.0
    chance += _CONFIRMED_IDENTITY if confirmed_identity else 0.0
    chance += _PAID_BEFORE if paid_before else 0.0
    if days_since_contact is not None:
        fresh = max(0, _CONTACT_FADES_DAYS - days_since_contact) / _CONTACT_FADES_DAYS
        chance += _RECENT_CONTACT * fresh
    chance -= _PER_BROKEN_PLAN * min(broken_plans, _MAX_BROKEN_PLANS)
    return min(1.0, max(0.0, chance))
