"""Which characters typed text may hold: the rule every free-text field and every stored answer
shares, so a character the database or a mail header cannot carry is refused at the field."""

from __future__ import annotations

import re

# NUL and the other C0 controls (a multi-line box keeps tab, line feed and carriage return), DEL,
# the C1 controls, lone surrogates and the two noncharacters U+FFFE and U+FFFF. PostgreSQL cannot
# store NUL in text or JSON, and none of these is something a person meant to type.
_REFUSED_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_REFUSED_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def has_refused_character(text: str, *, multiline: bool = True) -> bool:
    """True if *text* holds a character no field accepts (for one-line fields, also tab and breaks)."""
    pattern = _REFUSED_MULTILINE if multiline else _REFUSED_ONE_LINE
    return pattern.search(text) is not None


def holds_refused_character(value: object) -> bool:
    """True if *value* (a stored answer: text, a number, lists and dicts of them) holds a refused
    character."""
    if isinstance(value, str):
        return has_refused_character(value)
    if isinstance(value, dict):
        return any(holds_refused_character(k) or holds_refused_character(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_refused_character(item) for item in value)
    return False


def is_ascii_number(text: str, *, most_digits: int) -> bool:
    """True if *text* is 1 to *most_digits* ASCII digits: `str.isdigit` also accepts "²" and "٣",
    which `int` then refuses or reads in ways nobody typing a count means."""
    return 0 < len(text) <= most_digits and text.isascii() and text.isdecimal()
