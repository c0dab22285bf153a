"""Text fields of an import row: what fits the tables, what is cleaned, what is refused.

Reasons name the column, never the value: the value may be someone's name, email or birth date,
and the import's output ends up in terminals, logs and tickets.
"""

from __future__ import annotations

import re
import unicodedata

from portal.models import Account, Creditor, Debtor


class RowError(ValueError):
    """Why a row cannot be imported, naming the column but never its value."""


# The longest value each column holds, read from the tables so the two never drift apart.
LIMITS = {
    "reference": Account.__table__.c.reference.type.length,
    "creditor": Creditor.__table__.c.slug.type.length,
    "creditor_name": Creditor.__table__.c.name.type.length,
    "full_name": Debtor.__table__.c.full_name.type.length,
    "email": Debtor.__table__.c.email.type.length,
    "phone": Debtor.__table__.c.phone.type.length,
    "postal_code": Debtor.__table__.c.postal_code.type.length,
    "original_creditor": Account.__table__.c.original_creditor.type.length,
    "timezone": Account.__table__.c.timezone.type.length,
    "description": Account.__table__.c.description.type.length,
    "original_account_number": Account.__table__.c.original_account_number.type.length,
}
#: Names are printed on pages, receipts and email headers: they are cleaned rather than refused.
NAME_COLUMNS = frozenset({"creditor_name", "full_name", "original_creditor", "description"})
_SPACES = re.compile(r"\s+")
#: Exactly the characters `_is_control` names (Cc is U+0000-U+001F and U+007F-U+009F, Zl is
#: U+2028, Zp U+2029; tests/collector/test_row_checks_fast.py holds it to unicodedata), so a
#: million rows are checked by one regular expression each instead of a call per character.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: What else `clean_name` changes in a stripped value without controls: whitespace other than
#: a space, or two whitespace characters in a row. A name with neither is already clean.
_SPACED = re.compile(r"[^\S ]|\s\s")


def _is_control(char: str) -> bool:
    # Cc covers C0/C1 controls (tab, CR, LF, ESC, DEL...); Zl and Zp are the Unicode line and
    # paragraph separators, which break a line as surely as LF does.
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def clean_name(value: str) -> str:
    """The name on one line: control characters and line breaks become spaces, runs of
    whitespace one space."""
    spaced = "".join(" " if _is_control(c) else c for c in value)
    return _SPACES.sub(" ", spaced).strip()


class RowText:
    """Reads the text columns of one row and remembers which ones it had to clean."""

    def __init__(self, row: dict[str, str | None]):
        self.row = row
        self.cleaned: list[str] = []
        # Most rows hold no control character anywhere: one search over the whole row then
        # spares every column its own (a row with one takes the careful path column by column).
        self._plain = CONTROL.search("".join(value for value in row.values() if value)) is None

    def get(self, name: str) -> str | None:
        """The column's value, stripped; None when empty. RowError when it cannot be stored."""
        value = self.row.get(name)
        if not value:
            return None
        if self._plain:
            stripped = value.strip()
            if name in NAME_COLUMNS and _SPACED.search(stripped):
                stripped = self._clean(name, stripped)
        else:
            stripped = self._checked(name, value)
        if not stripped:
            return None
        limit = LIMITS.get(name)
        if limit is not None and len(stripped) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
        return stripped

    def _checked(self, name: str, value: str) -> str:
        if "\x00" in value:
            raise RowError(f"{name} contains a NUL character")
        stripped = value.strip()
        if name in NAME_COLUMNS:
            return self._clean(name, stripped)
        if CONTROL.search(stripped):
            raise RowError(f"{name} contains a control character or a line break")
        return stripped

    def _clean(self, name: str, stripped: str) -> str:
        cleaned = clean_name(stripped)
        if cleaned != stripped:
            self.cleaned.append(name)
        return cleaned
