"""What an account may do now, and why not: one answer for the debtor's pages, the console and the API.

Before this module the question was answered in about nine places, each slightly differently
(named here by where they live now; they ask this module instead):

- pay in full: ``payments/routes.py`` (open and something owed; a dispute or a running plan does
  not stop it, the dispute panel on the overview links to it).
- the options page: ``debtor/options.py`` (open, not on hold, something owed) and
  ``templates/debtor/overview.html`` (the "What you can do" list: also no running plan).
- part payment, settlement, instalment plan: ``plans/options.py`` (``options_for``: open, not on
  hold, no running plan; part payment and plans only in the policy's currency; part payment when
  the balance is above the policy's minimum, a plan when it covers two minimum instalments;
  settlement when ``domain.policy.settlement_offer`` finds a discount).
- the debtor's own offer: ``offers/blueprint.py`` (``elsewhere``: open, something owed, no running
  plan) and ``offers/pages.py`` (no offer already waiting or agreeable); agreeing it:
  ``offers/routes.py`` (``agree``: the latest offer accepted or countered).
- promise to pay: ``cant_pay/promise_routes.py`` (open, no running plan).
- call-back and the "I can't pay right now" choices: ``cant_pay/blueprint.py`` (``closed``: open;
  neither a plan nor a dispute stops it, and ``templates/base.html`` links to it on every page).
- affordability check: ``affordability/routes.py`` (open, something owed, no plan).
- dispute: ``disputes/pages.py`` (``dispute_allowed``: open, no dispute under review),
  ``disputes/routes.py`` (``about``: ``can_dispute``) and the overview's link.
- the plan's own pages: ``plans/plan_routes.py`` (a running plan).

Where those places disagreed, this module takes what a debtor would expect: while a dispute is
under review nothing new is set up (the overview and ``options_for`` already said so; the offer,
agree, promise and affordability routes did not check), the options page is not for an account
whose plan is running (the overview hid the link, the route showed a page offering only "pay in
full"), and nothing is set up on an account that owes nothing (the promise route did not check).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from portal.domain.policy import Policy, Settlement, settlement_offer

#: Offer statuses (``OfferStatus`` values) that leave an offer waiting for a person or the debtor.
OPEN_OFFER_STATUSES = frozenset({"pending", "accepted", "countered"})
#: Offer statuses the debtor may agree as a plan.
AGREEABLE_OFFER_STATUSES = frozenset({"accepted", "countered"})


class Action(enum.StrEnum):
    PAY_IN_FULL = "pay_in_full"
    OPTIONS = "options"  # the page listing the other ways to pay
    PART_PAYMENT = "part_payment"
    SETTLE = "settle"
    PLAN = "plan"  # set up an instalment plan within the policy
    MAKE_OFFER = "make_offer"
    AGREE_OFFER = "agree_offer"
    PROMISE = "promise"
    CALLBACK = "callback"  # also the "I can't pay right now" choices page
    AFFORDABILITY = "affordability"
    DISPUTE = "dispute"
    MANAGE_PLAN = "manage_plan"  # see the plan, pay early, pay it off, change the card


class Reason(enum.StrEnum):
    PAID = "paid"
    SETTLED = "settled"
    CLOSED = "closed"  # a dispute was upheld
    NOTHING_OWED = "nothing_owed"
    DISPUTE_OPEN = "dispute_open"
    PLAN_ACTIVE = "plan_active"
    NO_PLAN = "no_plan"
    OFFER_OPEN = "offer_open"
    NO_OFFER_TO_AGREE = "no_offer_to_agree"
    NOT_IN_POLICY = "not_in_policy"  # the creditor does not allow it
    OTHER_CURRENCY = "other_currency"  # amount limits are in the policy's currency
    BALANCE_TOO_SMALL = "balance_too_small"
    NO_DISCOUNT = "no_discount"


_STATUS_REASONS = {"paid": Reason.PAID, "settled": Reason.SETTLED, "closed": Reason.CLOSED}


@dataclass(frozen=True)
class AccountState:
    """The facts the rules look at, read from the account by the caller."""

    #: The account's status, an ``AccountStatus`` value: open, paid, settled or closed.
    status: str
    #: What is still owed, in minor units.
    balance: int
    currency: str
    #: A dispute is under review.
    on_hold: bool
    #: An instalment plan is running.
    plan_active: bool
    #: The status of the debtor's latest own offer, None when they never made one.
    offer_status: str | None
    #: The creditor's policy in force.
    policy: Policy


@dataclass(frozen=True)
class Eligibility:
    """What is allowed, and for each action that is not, the first reason it is not."""

    allowed: frozenset[Action]
    refused: Mapping[Action, Reason]
    #: The settlement on offer when SETTLE is allowed.
    settlement: Settlement | None
    #: How the account ended (PAID, SETTLED or CLOSED), None while it is open: what pages say about it.
    finished: Reason | None

    def may(self, action: Action | str) -> bool:
        return Action(action) in self.allowed

    def why_not(self, action: Action | str) -> Reason | None:
        return self.refused.get(Action(action))


def eligibility(state: AccountState, today: date) -> Eligibility:
    """Every action's answer for *state* on *today* (today dates the settlement's pay-by day)."""
    policy = state.policy
    finished = _STATUS_REASONS.get(str(state.status))
    open_reason = finished
    if open_reason is None and state.balance <= 0:
        open_reason = Reason.NOTHING_OWED
    hold = Reason.DISPUTE_OPEN if state.on_hold else None
    plan = Reason.PLAN_ACTIVE if state.plan_active else None
    in_currency = None if policy.currency == state.currency else Reason.OTHER_CURRENCY
    offer = None if state.offer_status is None else str(state.offer_status)
    settlement = settlement_offer(policy, state.balance, today)

    def allows(flag: bool) -> Reason | None:
        return None if flag else Reason.NOT_IN_POLICY

    def at_least(enough: bool) -> Reason | None:
        return None if enough else Reason.BALANCE_TOO_SMALL

    # Each action's checks in the order a refusal is explained: the first that fails is the reason.
    new_thing = (open_reason, hold, plan)
    checks: dict[Action, tuple[Reason | None, ...]] = {
        Action.PAY_IN_FULL: (open_reason,),
        Action.OPTIONS: new_thing,
        Action.PART_PAYMENT: (
            *new_thing,
            allows(policy.part_payments),
            in_currency,
            at_least(state.balance > policy.part_minimum),
        ),
        Action.SETTLE: (
            *new_thing,
            allows(policy.settlement),
            None if settlement is not None else Reason.NO_DISCOUNT,
        ),
        Action.PLAN: (
            *new_thing,
            allows(policy.instalments),
            in_currency,
            at_least(state.balance >= 2 * max(policy.instalment_minimum, 1)),
        ),
        Action.MAKE_OFFER: (*new_thing, Reason.OFFER_OPEN if offer in OPEN_OFFER_STATUSES else None),
        Action.AGREE_OFFER: (
            *new_thing,
            None if offer in AGREEABLE_OFFER_STATUSES else Reason.NO_OFFER_TO_AGREE,
        ),
        Action.PROMISE: new_thing,
        # Every page links to the call-back ("Ask us to call you back" in base.html): a plan that
        # has become too much, or a dispute, does not stop a debtor asking to be called.
        Action.CALLBACK: (finished,),
        Action.AFFORDABILITY: new_thing,
        Action.DISPUTE: (finished, hold),
        Action.MANAGE_PLAN: (None if state.plan_active else Reason.NO_PLAN,),
    }
    refused = {}
    for action, reasons in checks.items():
        first = next((reason for reason in reasons if reason is not None), None)
        if first is not None:
            refused[action] = first
    return Eligibility(
        allowed=frozenset(Action) - refused.keys(),
        refused=MappingProxyType(refused),
        settlement=settlement if Action.SETTLE not in refused else None,
        finished=finished,
    )
