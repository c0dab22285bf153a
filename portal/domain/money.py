"""Amounts as integer minor units with an ISO 4217 currency; parsing and splitting, never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_currency_precision, list_currencies

# Commas may only group thousands ("1,234.50"); "12,50" is refused, never read as 1250.
_MAJOR = re.compile(r"^(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?$")


class MoneyError(ValueError):
    """An amount or currency that cannot be used; *problem* says why without repeating the value."""

    def __init__(self, message: str, problem: str | None = None):
        super().__init__(message)
        self.problem = problem or message


def known_currency(code: str) -> bool:
    """True for an ISO 4217 code Babel knows, such as USD or JPY."""
    return code in list_currencies()


def exponent(currency: str) -> int:
    """How many decimal places the currency uses (0 for JPY, 2 for USD, 3 for KWD)."""
    if not known_currency(currency):
        raise MoneyError(f"unknown currency {currency!r}")
    return get_currency_precision(currency)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in the currency's smallest unit."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("amounts are whole minor units")
        exponent(self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def as_decimal(self) -> Decimal:
        """The amount in major units, exactly, for formatting at the edge."""
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)


def parse_major(text: str, currency: str) -> Money:
    """Parse a non-negative amount written in major units ("1234.50") into Money.

    More decimals than the currency has is an error, not a rounding; so is a comma anywhere but
    between groups of three digits before the point.
    """
    places = exponent(currency)
    match = _MAJOR.match((text or "").strip())
    if not match:
        problem = "is not an amount like 1234.50 (a comma may only separate thousands)"
        raise MoneyError(f"{text!r} {problem}", problem)
    frac = match.group("frac") or ""
    if len(frac.rstrip("0")) > places:
        problem = f"has more than {places} decimal places for {currency}"
        raise MoneyError(f"{text!r} {problem}", problem)
    frac = (frac + "0" * places)[:places] if places else ""
    return Money(int(match.group("whole").replace(",", "") + frac), currency)


def total(amounts: list[Money], currency: str) -> Money:
    """Sum amounts of one currency; an empty list is zero."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
