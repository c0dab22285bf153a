"""Instalment schedules: dates that keep their day of the month, amounts that sum exactly."""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "every_two_weeks"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Instalment:
    number: int  # 1-based
    due: date
    amount: int  # minor units


def add_months(anchor: date, months: int) -> date:
    """The anchor's day of the month, *months* later, clamped to the month's end.

    Always counted from the anchor, so 31 Jan -> 28/29 Feb -> 31 Mar (not 28 Mar).
    """
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def due_dates(first: date, frequency: Frequency, count: int) -> list[date]:
    """*count* due dates starting on *first*."""
    if count < 1:
        raise ValueError("a schedule has at least one payment")
    if frequency is Frequency.MONTHLY:
        return [add_months(first, i) for i in range(count)]
    step = 7 if frequency is Frequency.WEEKLY else 14
    return [first + timedelta(days=step * i) for i in range(count)]


def split_by_count(total: int, count: int) -> list[int]:
    """*count* equal amounts; what does not divide evenly goes on the last one."""
    if total <= 0 or count < 1:
        raise ValueError("a positive total and at least one payment are needed")
    base = total // count
    if base == 0:
        raise ValueError("more payments than minor units")
    return [base] * (count - 1) + [total - base * (count - 1)]


MAX_PAYMENTS = 1000


def split_by_amount(total: int, amount: int, smallest_last: int = 1) -> list[int]:
    """Payments of *amount* until *total* is reached; the remainder is the last payment.

    A remainder below *smallest_last* is added to the payment before it instead.
    """
    if total <= 0 or amount <= 0:
        raise ValueError("a positive total and amount are needed")
    full, remainder = divmod(total, amount)
    if full > MAX_PAYMENTS:
        raise ValueError(f"more than {MAX_PAYMENTS} payments")
    if full == 0:
        return [total]
    amounts = [amount] * full
    if remainder:
        if remainder >= smallest_last:
            amounts.append(remainder)
        else:
            amounts[-1] += remainder
    return amounts


def schedule(first: date, frequency: Frequency, amounts: list[int]) -> list[Instalment]:
    """Pair amounts with due dates."""
    dates = due_dates(first, frequency, len(amounts))
    return [Instalment(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, amounts, strict=True))]
