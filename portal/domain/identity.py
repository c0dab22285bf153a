"""How a debtor's answer to the identity question is compared with the record."""

from __future__ import annotations

import hmac
import re
import unicodedata
from datetime import date

MAX_FAILURES = 5
LOCK_MINUTES = 15
#: Wrong answers an account may have across all its links in ACCOUNT_WINDOW_HOURS before
#: every link is locked until a person issues a new one.
ACCOUNT_MAX_FAILURES = 10
ACCOUNT_WINDOW_HOURS = 24


def normalise_postal_code(value: str) -> str:
    """Compare postal codes without case, spaces or dashes ("sw1a 1aa" == "SW1A1AA").

    NFKC first, so full-width digits and dashes ("６０６１８") read as the plain ones.
    """
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def postal_code_matches(given: str, on_record: str) -> bool:
    """True when the given postal code is the one on record (US ZIP+4 may match the first 5)."""
    a, b = normalise_postal_code(given), normalise_postal_code(on_record)
    if not a or not b:
        return False
    # US ZIP+4 and plain ZIP name the same area: compare the first five digits.
    if _ascii_digits(a) and _ascii_digits(b) and len(a) in (5, 9) and len(b) in (5, 9):
        a, b = a[:5], b[:5]
    # compare_digest refuses str with non-ASCII characters ("é"); bytes of any text are fine.
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _ascii_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def date_of_birth_matches(given: date, on_record: date) -> bool:
    """True when the given date of birth is the one on record."""
    return hmac.compare_digest(given.isoformat(), on_record.isoformat())


def should_lock(failures: int) -> bool:
    """After this many wrong answers in a row the link is locked for a while."""
    return failures >= MAX_FAILURES


def should_lock_account(failures_in_window: int) -> bool:
    """After this many wrong answers on any of its links in the window, the account is locked."""
    return failures_in_window >= ACCOUNT_MAX_FAILURES
