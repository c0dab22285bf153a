"""What a person can afford, and the plan within a creditor's policy that fits it.

Plain arithmetic on integer minor units: a month's income less its outgoings, that amount spread
over the weeks of a year when paying weekly or every two weeks (always rounded down, so we never
suggest more than is left), and the plan with the fewest payments whose every payment fits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from portal.domain.policy import OutsidePolicy, Policy, build_plan
from portal.domain.schedules import Frequency, Instalment

#: The plain categories of monthly outgoings, in the order they are asked.
OUTGOINGS = ("housing", "bills", "food", "travel", "children", "other_debts", "other")

#: Payments in a year at each frequency. A year is 52 weeks and a day or two, so counting 52
#: (or 26) slightly understates the weeks and the per-payment amount errs on the safe side.
PAYMENTS_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.EVERY_TWO_WEEKS: 26, Frequency.MONTHLY: 12}


@dataclass(frozen=True)
class Budget:
    """A month's money: what comes in and what goes out, by category, in minor units."""

    income: int
    outgoings: Mapping[str, int]

    def __post_init__(self) -> None:
        if self.income < 0 or any(v < 0 for v in self.outgoings.values()):
            raise ValueError("income and outgoings are amounts of zero or more")
        unknown = set(self.outgoings) - set(OUTGOINGS)
        if unknown:
            raise ValueError(f"unknown outgoings: {sorted(unknown)}")

    @property
    def spent(self) -> int:
        return sum(self.outgoings.values())

    @property
    def left(self) -> int:
        """Left each month; negative when more goes out than comes in."""
        return self.income - self.spent


def per_payment(monthly: int, frequency: Frequency) -> int:
    """What *monthly* is worth per payment at *frequency*, rounded down; zero when nothing is left."""
    if monthly <= 0:
        return 0
    return monthly * 12 // PAYMENTS_PER_YEAR[Frequency(frequency)]


def round_down(amount: int, unit: int) -> int:
    """*amount* rounded down to a whole number of *unit* (100 for whole dollars); never below 0."""
    if unit < 1:
        raise ValueError("the unit is at least one minor unit")
    return max(amount, 0) // unit * unit


@dataclass(frozen=True)
class Suggestion:
    """A plan the policy allows: by number of payments (*count*) or by amount per payment (*amount*)."""

    schedule: tuple[Instalment, ...]
    count: int | None = None
    amount: int | None = None

    @property
    def payment(self) -> int:
        """The regular payment (the last one may differ by the remainder)."""
        return self.schedule[0].amount

    @property
    def largest_payment(self) -> int:
        return max(item.amount for item in self.schedule)


def suggest_plan(
    policy: Policy,
    balance: int,
    today: date,
    *,
    frequency: Frequency,
    first_date: date,
    budget: int,
    unit: int = 1,
) -> Suggestion | None:
    """The plan within *policy* with the fewest payments whose every payment is at most *budget*.

    Two kinds are tried: equal payments by number (the smallest number that fits) and payments of
    *budget* rounded down to *unit* (whole dollars, say) with the remainder last. The one with
    fewer payments wins; on a tie the equal payments do. None when nothing within the policy fits,
    which is when the person is offered to propose their own plan.
    """
    if budget <= 0 or balance <= 0:
        return None
    found: list[Suggestion] = []

    amount = min(round_down(budget, unit), balance)
    if amount > 0:
        plan = _allowed(policy, balance, today, frequency, first_date, amount=amount)
        if plan is not None and max(p.amount for p in plan) <= budget:
            found.append(Suggestion(tuple(plan), amount=amount))

    for count in range(1, policy.max_instalments + 1):
        plan = _allowed(policy, balance, today, frequency, first_date, count=count)
        if plan is not None and max(p.amount for p in plan) <= budget:
            found.append(Suggestion(tuple(plan), count=count))
            break

    if not found:
        return None
    return min(found, key=lambda s: (len(s.schedule), s.count is None))


def _allowed(policy, balance, today, frequency, first_date, **choice) -> list[Instalment] | None:
    try:
        return build_plan(
            policy, balance, today, frequency=Frequency(frequency), first_date=first_date, **choice
        )
    except (OutsidePolicy, ValueError):
        return None
