"""Reading one row of an account import: plain checks, no database, clear reasons."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.collector.row_text import RowError, RowText
from portal.domain.languages import LANGUAGE_TAGS, portal_language
from portal.domain.money import MoneyError, exponent, known_currency, parse_major

__all__ = ["AccountRow", "RowError", "missing_columns", "parse_row"]

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
OPTIONAL_COLUMNS = (
    "language",
    "creditor_name",
    "timezone",
    "original_creditor",
    "itemization_date",
    # What the debt is for, as the debtor would recognise it (shown on the overview and the
    # validation page), and the account number it had on the itemization date (Regulation F).
    "description",
    "service_date",
    "original_account_number",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Amounts are stored in INTEGER columns (32-bit on PostgreSQL); the total must fit as well.
LARGEST_AMOUNT = 2**31 - 1
#: An amount with no thousands separator: read here directly; anything else goes to parse_major.
_PLAIN = re.compile(r"^([0-9]+)(?:\.(?=[0-9])([0-9]*[1-9])?0*)?$")
# What a million rows ask again and again, answered once per process: the currencies and zones
# are fixed while it runs (only valid names are kept, so a hostile file cannot grow these).
_PLACES: dict[str, int] = {}
_ZONES: set[str] = set()


class AccountRow(NamedTuple):
    """One checked row, in the portal's terms (a named tuple: a million are made in one import)."""

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
    description: str | None = None
    service_date: date | None = None
    original_account_number: str | None = None
    #: Columns whose text was cleaned (line breaks, control characters), for the report.
    cleaned: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fees


def missing_columns(header: list[str]) -> list[str]:
    """Required columns absent from the header row."""
    present = {name.strip().lower() for name in header}
    return [name for name in REQUIRED_COLUMNS if name not in present]


def _date(text: RowText, name: str) -> date | None:
    value = text.get(name)
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{name} is not a real date written YYYY-MM-DD") from None
    if len(value) != 10:
        raise RowError(f"{name} must be written YYYY-MM-DD")
    return parsed


def _places(currency: str) -> int | None:
    """The currency's decimal places, or None when it is not a known ISO 4217 code."""
    places = _PLACES.get(currency)
    if places is None and known_currency(currency):
        places = _PLACES[currency] = exponent(currency)
    return places


def _zone_exists(name: str) -> bool:
    if name in _ZONES:
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    _ZONES.add(name)
    return True


def _amount(text: RowText, name: str, currency: str, required: bool) -> int:
    value = text.get(name)
    if value is None:
        if required:
            raise RowError(f"{name} is missing")
        return 0
    if value.startswith("-"):
        raise RowError(f"{name} is negative")
    plain = _PLAIN.match(value)
    places = _PLACES[currency]
    if plain and len(plain.group(2) or "") <= places:
        # parse_major's answer for an amount without separators, without its three lookups
        # of the currency (tests/collector/test_row_checks_fast.py compares the two).
        minor = (
            int(plain.group(1) + (plain.group(2) or "").ljust(places, "0")) if places else int(plain.group(1))
        )
    else:
        try:
            minor = parse_major(value, currency).minor
        except MoneyError as error:
            raise RowError(f"{name} {error.problem}") from None
    if minor > LARGEST_AMOUNT:
        raise RowError(f"{name} is larger than the portal can hold")
    return minor


def parse_row(raw: dict[str, str | None]) -> AccountRow:
    """Check one CSV row and return it in the portal's terms, or raise RowError with the reason.

    Reasons name columns, never values, so a report can be shared without personal data.
    """
    return parse_clean_row({k.strip().lower(): v for k, v in raw.items() if isinstance(k, str)})


def parse_clean_row(raw: dict[str, str | None]) -> AccountRow:
    """`parse_row` for a row whose column names are already stripped and lower case."""
    text = RowText(raw)
    reference = text.get("reference")
    if not reference:
        raise RowError("reference is missing")
    creditor = text.get("creditor")
    if not creditor:
        raise RowError("creditor is missing")
    creditor = creditor.lower()
    if not _SLUG.match(creditor):
        raise RowError("creditor must be a short slug of letters, digits and dashes")
    creditor_name = text.get("creditor_name")
    full_name = text.get("full_name")
    if not full_name:
        raise RowError("full_name is missing")
    currency = (text.get("currency") or "").upper()
    if not currency:
        raise RowError("currency is missing")
    if _places(currency) is None:
        raise RowError("currency is not a known ISO 4217 code")
    email = text.get("email")
    if email and not _EMAIL.match(email):
        raise RowError("email is not an email address")
    phone = text.get("phone")
    date_of_birth = _date(text, "date_of_birth")
    if date_of_birth and date_of_birth >= date.today():
        raise RowError("date_of_birth is not in the past")
    postal_code = text.get("postal_code")
    given = text.get("language")
    language = portal_language(given) if given else None
    if given and language is None:
        raise RowError(f"language is not one of {', '.join(sorted(LANGUAGE_TAGS))}")
    timezone = text.get("timezone")
    if timezone and not _zone_exists(timezone):
        raise RowError("timezone is not an IANA time zone")
    principal = _amount(text, "principal", currency, required=True)
    interest = _amount(text, "interest", currency, required=False)
    fees = _amount(text, "fees", currency, required=False)
    if principal + interest + fees <= 0:
        raise RowError("the total owed is zero")
    if principal + interest + fees > LARGEST_AMOUNT:
        raise RowError("the total owed is larger than the portal can hold")
    original_creditor = text.get("original_creditor")
    itemization_date = _date(text, "itemization_date")
    service_date = _date(text, "service_date")
    if service_date and service_date > date.today():
        raise RowError("service_date is in the future")
    return AccountRow(
        reference=reference,
        creditor=creditor,
        creditor_name=creditor_name,
        full_name=full_name,
        email=email,
        phone=phone,
        date_of_birth=date_of_birth,
        postal_code=postal_code,
        currency=currency,
        principal=principal,
        interest=interest,
        fees=fees,
        language=language,
        timezone=timezone,
        original_creditor=original_creditor,
        itemization_date=itemization_date,
        # Kept as written: it is plain text, escaped wherever it is shown.
        description=text.get("description"),
        service_date=service_date,
        original_account_number=text.get("original_account_number"),
        cleaned=tuple(text.cleaned),
    )
