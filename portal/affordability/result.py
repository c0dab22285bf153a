"""What the affordability check's figures come to: what is left per payment at the chosen
frequency, and the plan within policy that fits it. No session and no request here: the routes
hand the figures in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain.affordability import Budget, Suggestion, per_payment, suggest_plan
from portal.domain.money import exponent
from portal.domain.schedules import Frequency
from portal.models import Account
from portal.plans.options import Options, options_for

#: What the result needs, in the order the check asks for it.
NEEDED = ("income", "outgoings", "frequency", "start")


@dataclass(frozen=True)
class Result:
    budget: Budget
    frequency: Frequency
    start: date
    each: int  # what is left, per payment at the chosen frequency
    suggestion: Suggestion | None
    options: Options


def work_out(known: dict, account: Account, today: date) -> Result | None:
    """The result for the figures in *known* (as the check keeps them), or None if one is missing."""
    if not set(NEEDED) <= set(known):
        return None
    budget = Budget(known["income"], known["outgoings"])
    frequency = Frequency(known["frequency"])
    start = date.fromisoformat(known["start"])
    each = per_payment(budget.left, frequency)
    options = options_for(account, today)
    suggestion = None
    if options.instalments:
        suggestion = suggest_plan(
            options.policy,
            account.balance.minor,
            today,
            frequency=frequency,
            first_date=start,
            budget=each,
            unit=10 ** exponent(account.currency),
        )
    return Result(budget, frequency, start, each, suggestion, options)
