"""Amounts as integer minor units with an ISO 4217 currency; parsing and splitting, never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_currency_precision, list_currencies

_MAJOR = re.compile(r"^(?P<whole>\d+)(?:\.(?P<frac>\d+))?$")


class MoneyError(ValueError):
    """An amount or currency that cannot be used."""


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

    More decimals than the currency has is an error, not a rounding.
    """
    places = exponent(currency)
    raw = (text or "").strip().replace(",", "")
    match = _MAJOR.match(raw)
    if not match:
        raise MoneyError(f"{text!r} is not an amount like 1234.50")
    frac = match.group("frac") or ""
    if len(frac.rstrip("0")) > places:
        raise MoneyError(f"{text!r} has more than {places} decimal places for {currency}")
    frac = (frac + "0" * places)[:places] if places else ""
    return Money(int(match.group("whole") + frac), currency)


def total(amounts: list[Money], currency: str) -> Money:
    """Sum amounts of one currency; an empty list is zero."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
