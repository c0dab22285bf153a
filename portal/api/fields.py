"""Fields the API's schemas share: amounts as decimal strings in major units."""

from __future__ import annotations

import marshmallow as ma

from portal.domain.money import Money


def amount(minor: int, currency: str) -> str:
    """An amount as the API shows it: a decimal string in major units, e.g. "1234.50"."""
    return str(Money(minor, currency).as_decimal())


_AMOUNT = "Decimal string in the currency's major units, e.g. \"1234.50\"."


def Amount(*, metadata: dict | None = None, **kwargs) -> ma.fields.String:  # noqa: N802 - a field type
    described = (metadata or {}).get("description")
    text = f"{described} {_AMOUNT}" if described else _AMOUNT
    return ma.fields.String(
        metadata={**(metadata or {}), "description": text, "pattern": r"^[0-9]+(\.[0-9]+)?$"},
        **kwargs,
    )
