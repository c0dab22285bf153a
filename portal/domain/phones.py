"""Phone numbers as the import gives them (free text) turned into the one form a text is sent to
and an inbound text is matched by: E.164, "+" and up to 15 digits."""

from __future__ import annotations

import re

#: Country calling codes of the countries a number without "+" may be read as.
#: The North American Numbering Plan shares "1": a US or Canadian number reads the same.
CALLING_CODES = {"US": "1", "CA": "1"}

# What people put between digits: spaces, dashes, dots, slashes, brackets.
_SEPARATORS = re.compile(r"[\s\-./()\u00a0\u2010-\u2015]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
# NANP: area code and exchange both start 2-9, so 0 and 1 there mean it is not a number.
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def normalize_phone(raw: str | None, default_country: str = "US") -> str | None:
    """*raw* as E.164 ("+15551234567"), or None when it cannot be a phone number.

    A number starting "+" keeps its own country code. Otherwise it is read as a number of
    *default_country*: for the US and Canada, ten digits or a "1" and ten digits. Letters
    (an extension, "n/a") make it not a number we can text.
    """
    if default_country not in CALLING_CODES:
        raise ValueError(f"no numbering rules for {default_country!r}")
    if not raw:
        return None
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("+"):
        digits = compact[1:]
        if not digits.isascii() or not digits.isdigit():
            return None
        number = "+" + digits
        if digits.startswith("1") and not _NANP.fullmatch(digits[1:]):
            return None
        return number if _E164.fullmatch(number) else None
    if not compact.isascii() or not compact.isdigit():
        return None
    code = CALLING_CODES[default_country]
    if len(compact) == 11 and compact.startswith(code):
        compact = compact[1:]
    if not _NANP.fullmatch(compact):
        return None
    return f"+{code}{compact}"


def national_digits(number: str) -> str:
    """The digits of an E.164 *number* that any written form of it must contain, in order.

    A NANP number may be written without its "1"; any other keeps its "+" and country code.
    """
    digits = number.lstrip("+")
    return digits[1:] if digits.startswith("1") else digits
