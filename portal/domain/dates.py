"""Reading a date typed into day, month and year boxes, strictly and without surprises."""

from __future__ import annotations

import enum
from datetime import date


class DateProblem(enum.StrEnum):
    MISSING = "missing"  # all three boxes are empty
    INCOMPLETE = "incomplete"  # some boxes are empty
    NOT_NUMBERS = "not_numbers"  # letters, signs, or a year that is not four digits
    NOT_REAL = "not_real"  # numbers, but no such day (31 2 1980, or a day of thirty digits)


#: Full-width digits (typed by Chinese and Japanese keyboards) read as the plain ones they show.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _digits(text: str) -> str:
    # Only full-width digits: NFKC would also turn "²" or "⑵" into 2, which nobody types as a date.
    return (text or "").strip().translate(_FULL_WIDTH)


def parse_day_month_year(day: str | None, month: str | None, year: str | None) -> date | DateProblem:
    """The date typed, or the problem with it; never raises, whatever was typed."""
    parts = [_digits(p or "") for p in (day, month, year)]
    if not any(parts):
        return DateProblem.MISSING
    if not all(parts):
        return DateProblem.INCOMPLETE
    # str.isdigit() also accepts superscripts and other scripts' digits that int() refuses.
    if not all(p.isascii() and p.isdigit() for p in parts) or len(parts[2]) != 4:
        return DateProblem.NOT_NUMBERS
    # A day or month of many digits is no day at all, and int() of it overflows date().
    if len(parts[0]) > 2 or len(parts[1]) > 2:
        return DateProblem.NOT_REAL
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return DateProblem.NOT_REAL
