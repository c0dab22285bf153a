"""The rules of a debtor's own offer: what terms may be offered or countered, when a person
replies, and the payments an agreed offer makes. Its states are ``transitions.OFFER``.

Taken from the offer service (working days, the schedule), the offer's question pages (the
amount and start-date checks, ``offers/questions.py``) and the collector's ``decide-offer``
command (``collector/queue_commands.py``). The counter-offer used to be checked only for "more
than 0, less than the balance, not in the past"; it now meets the same limits as the debtor's
offer, so a counter never proposes what the debtor could not have offered (more than
MAX_PAYMENTS payments, or a start more than a year away).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.schedules import MAX_PAYMENTS, Frequency, Instalment, schedule, split_by_amount

#: A person looks at an offer within this many working days: every page that says so shows this
#: number (the template global `reply_working_days`), and the reply-by date counts it. Two or more:
#: the sentences say "days".
REPLY_WORKING_DAYS = 2
#: An offer may start later than the policy allows, but not more than this far ahead.
LATEST_START_DAYS = 365


@dataclass(frozen=True)
class Terms:
    """What would be paid: so much per payment (minor units), this often, from this date."""

    amount: int
    frequency: Frequency
    start: date


class Problem(enum.StrEnum):
    """Why terms cannot be offered (or countered) as they are."""

    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    WHOLE_BALANCE = "whole_balance"  # the amount is the balance or more: pay in full instead
    TOO_MANY_PAYMENTS = "too_many_payments"
    START_IN_PAST = "start_in_past"
    START_TOO_LATE = "start_too_late"


class TermsRefused(ValueError):
    """Terms that break an offer rule; *problem* says which."""

    def __init__(self, problem: Problem):
        super().__init__(problem.value)
        self.problem = problem


def working_days_after(day: date, count: int) -> date:
    """The date *count* working days (Monday to Friday) after *day*."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def reply_by(made_on: date) -> date:
    """The day by which a person answers an offer made on *made_on*."""
    return working_days_after(made_on, REPLY_WORKING_DAYS)


def latest_start(today: date) -> date:
    return today + timedelta(days=LATEST_START_DAYS)


def amount_problem(amount: int, balance: int) -> Problem | None:
    """What is wrong with *amount* per payment against *balance*, or None."""
    if amount <= 0:
        return Problem.AMOUNT_NOT_POSITIVE
    if amount >= balance:
        return Problem.WHOLE_BALANCE
    if -(-balance // amount) > MAX_PAYMENTS:
        return Problem.TOO_MANY_PAYMENTS
    return None


def start_problem(start: date, today: date) -> Problem | None:
    """What is wrong with a first payment on *start*, or None: from today up to a year ahead."""
    if start < today:
        return Problem.START_IN_PAST
    if start > latest_start(today):
        return Problem.START_TOO_LATE
    return None


def check_terms(terms: Terms, balance: int, today: date) -> None:
    """Raise TermsRefused unless *terms* may be offered, or countered, on *balance* today."""
    problem = amount_problem(terms.amount, balance) or start_problem(terms.start, today)
    if problem is not None:
        raise TermsRefused(problem)


def offer_schedule(balance: int, terms: Terms, today: date) -> list[Instalment]:
    """Payments of the agreed amount until *balance* is paid, the remainder last.

    A start date that has passed by the time the debtor agrees moves to *today*: the first
    payment is then taken on the day they agree, and the rest follow at the agreed frequency.
    """
    first = max(terms.start, today)
    return schedule(first, terms.frequency, split_by_amount(balance, terms.amount))
