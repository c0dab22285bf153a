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
}
#: Names are printed on pages, receipts and email headers: they are cleaned rather than refused.
NAME_COLUMNS = frozenset({"creditor_name", "full_name", "original_creditor"})
_SPACES = re.compile(r"\s+")


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

    def get(self, name: str) -> str | None:
        """The column's value, stripped; None when empty. RowError when it cannot be stored."""
        value = self.row.get(name) or ""
        if "\x00" in value:
            raise RowError(f"{name} contains a NUL character")
        stripped = value.strip()
        if name in NAME_COLUMNS:
            cleaned = clean_name(stripped)
            if cleaned != stripped:
                self.cleaned.append(name)
            stripped = cleaned
        elif any(_is_control(c) for c in stripped):
            raise RowError(f"{name} contains a control character or a line break")
        if not stripped:
            return None
        limit = LIMITS.get(name)
        if limit is not None and len(stripped) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
        return stripped
