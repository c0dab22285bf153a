"""Dates written the way the reader writes them: the order of the day, month and year boxes, and
an example date for a hint that lies inside the range a question allows."""

from __future__ import annotations

from datetime import date, timedelta

from babel import Locale, UnknownLocaleError

DAY, MONTH, YEAR = "day", "month", "year"
#: The boxes' order when the locale says nothing usable: day first, as most of the world writes.
DAY_FIRST = (DAY, MONTH, YEAR)
MONTH_FIRST = (MONTH, DAY, YEAR)
YEAR_FIRST = (YEAR, MONTH, DAY)
#: How far after the first allowed day an example falls: soon, as most people choose, not today.
EXAMPLE_AFTER = timedelta(days=7)
#: A day above 12 cannot be read as a month, so the example also shows which box is which.
_UNMISTAKABLE_DAY = 13


def date_order(locale: str) -> tuple[str, str, str]:
    """The boxes "day", "month" and "year" in the order a reader of *locale* ("en_US") writes them.

    Everyone in the United States writes the month first, Spanish speakers too (the CLDR gives
    es_US day first, which is not how US forms or US readers write dates); elsewhere the CLDR's
    short date pattern decides ("dd/MM/y" for en_GB, "y/M/d" for zh_Hant).
    """
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return DAY_FIRST
    if parsed.territory == "US":
        return MONTH_FIRST
    pattern = parsed.date_formats["short"].pattern
    where = {part: pattern.find(letter) for part, letter in ((DAY, "d"), (MONTH, "M"), (YEAR, "y"))}
    if min(where.values()) < 0:
        return DAY_FIRST
    return tuple(sorted(where, key=where.__getitem__))  # type: ignore[return-value]


def example_date(first: date, last: date | None = None) -> date:
    """A date for a hint's example: about a week after *first*, never after *last*, with a day
    above 12 where the range has one (so the example cannot be misread whichever box is first)."""
    if last is not None and last < first:
        raise ValueError("the range ends before it starts")
    start = first + EXAMPLE_AFTER
    if last is not None and start > last:
        start = first
    end = last if last is not None else start + timedelta(days=40)
    # The week after the first day first, then the days before it: never outside the range.
    for low, high in ((start, end), (first, start - timedelta(days=1))):
        day = low
        while day <= high:
            if day.day >= _UNMISTAKABLE_DAY:
                return day
            day += timedelta(days=1)
    return start


def date_numbers(value: date, order: tuple[str, str, str]) -> str:
    """*value* as the numbers a person types into the boxes in *order* ("11 13 2026")."""
    return " ".join(str(getattr(value, part)) for part in order)
