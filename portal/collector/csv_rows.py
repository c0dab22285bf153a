"""Reading one row of an account import: plain checks, no database, clear reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.domain.languages import LANGUAGE_TAGS, portal_language
from portal.domain.money import MoneyError, known_currency, parse_major

REQUIRED_COLUMNS = (
    "reference",
    "creditor",
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "postal_code",
    "currency",
    "principal",
    "interest",
    "fees",
)
OPTIONAL_COLUMNS = ("language", "creditor_name", "timezone", "original_creditor", "itemization_date")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RowError(ValueError):
    """Why a row cannot be imported."""


@dataclass(frozen=True)
class AccountRow:
    reference: str
    creditor: str
    creditor_name: str | None
    full_name: str
    email: str | None
    phone: str | None
    date_of_birth: date | None
    postal_code: str | None
    currency: str
    principal: int
    interest: int
    fees: int
    language: str | None
    timezone: str | None
    original_creditor: str | None
    itemization_date: date | None


def missing_columns(header: list[str]) -> list[str]:
    """Required columns absent from the header row."""
    present = {name.strip().lower() for name in header}
    return [name for name in REQUIRED_COLUMNS if name not in present]


def _text(row: dict, name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


def _date(row: dict, name: str) -> date | None:
    value = _text(row, name)
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{name} {value!r} is not a real date written YYYY-MM-DD") from None
    if len(value) != 10:
        raise RowError(f"{name} {value!r} must be written YYYY-MM-DD")
    return parsed


def _amount(row: dict, name: str, currency: str, required: bool) -> int:
    value = _text(row, name)
    if value is None:
        if required:
            raise RowError(f"{name} is missing")
        return 0
    if value.startswith("-"):
        raise RowError(f"{name} {value!r} is negative")
    try:
        return parse_major(value, currency).minor
    except MoneyError as error:
        raise RowError(f"{name}: {error}") from None


def parse_row(raw: dict[str, str]) -> AccountRow:
    """Check one CSV row and return it in the portal's terms, or raise RowError with the reason."""
    row = {(k or "").strip().lower(): v for k, v in raw.items()}
    reference = _text(row, "reference")
    if not reference:
        raise RowError("reference is missing")
    creditor = _text(row, "creditor")
    if not creditor:
        raise RowError("creditor is missing")
    creditor = creditor.lower()
    if not _SLUG.match(creditor):
        raise RowError(f"creditor {creditor!r} must be a short slug of letters, digits and dashes")
    full_name = _text(row, "full_name")
    if not full_name:
        raise RowError("full_name is missing")
    currency = (_text(row, "currency") or "").upper()
    if not currency:
        raise RowError("currency is missing")
    if not known_currency(currency):
        raise RowError(f"currency {currency!r} is not a known ISO 4217 code")
    email = _text(row, "email")
    if email and not _EMAIL.match(email):
        raise RowError(f"email {email!r} is not an email address")
    date_of_birth = _date(row, "date_of_birth")
    if date_of_birth and date_of_birth >= date.today():
        raise RowError("date_of_birth is not in the past")
    given = _text(row, "language")
    language = portal_language(given) if given else None
    if given and language is None:
        raise RowError(f"language {given!r} is not one of {', '.join(sorted(LANGUAGE_TAGS))}")
    timezone = _text(row, "timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise RowError(f"timezone {timezone!r} is not an IANA time zone") from None
    principal = _amount(row, "principal", currency, required=True)
    interest = _amount(row, "interest", currency, required=False)
    fees = _amount(row, "fees", currency, required=False)
    if principal + interest + fees <= 0:
        raise RowError("the total owed is zero")
    return AccountRow(
        reference=reference,
        creditor=creditor,
        creditor_name=_text(row, "creditor_name"),
        full_name=full_name,
        email=email,
        phone=_text(row, "phone"),
        date_of_birth=date_of_birth,
        postal_code=_text(row, "postal_code"),
        currency=currency,
        principal=principal,
        interest=interest,
        fees=fees,
        language=language,
        timezone=timezone,
        original_creditor=_text(row, "original_creditor"),
        itemization_date=_date(row, "itemization_date"),
    )
