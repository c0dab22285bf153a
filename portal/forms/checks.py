"""The rules the form kit's fields read by: amounts, counts and refused text, strictly; and the
form of a button that asks nothing (only its security token is checked)."""

from __future__ import annotations

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.domain.money import MoneyError, parse_major
from portal.domain.text import has_refused_character, is_ascii_number

Errors = list[tuple[str, str]]

#: Larger amounts are typing mistakes, and would not fit the database's integer columns.
AMOUNT_MAX = 10**9
#: More characters than any amount anyone types; longer text is refused before it is parsed.
_AMOUNT_CHARACTERS = 40
#: The most payments anyone could mean; a longer number is a typing mistake, not a plan.
_COUNT_DIGITS = 4


class CsrfOnly(FlaskForm):
    """A form that asks nothing (a button alone): Flask-WTF checks its security token."""


def refused_text(text: str, *, multiline: bool = True) -> str | None:
    """The error for free text holding a character no field accepts (NUL, control characters), or None.

    Every free-text reader asks this, so nothing the database or a later page cannot carry is stored.
    """
    if not has_refused_character(text, multiline=multiline):
        return None
    # Such characters mostly arrive pasted from elsewhere, so say how to get rid of them.
    return _(
        "Your answer contains a hidden character we cannot accept. "
        "Type your answer again rather than pasting it."
    )


def _plain_number(text: str) -> str:
    """Read the number the way the reader's language writes it ("40,00" is forty in Spanish),
    and give it back as plain digits with a dot; grouping must be in the right places."""
    text = text.replace(" ", "").replace("\u00a0", "")
    if text.replace(".", "", 1).isdigit():
        return text  # a plain 40 or 40.00 means the same in every language we speak
    return format(parse_decimal(text, locale=str(get_locale()), strict=True), "f")


def parse_amount(raw: str | None, currency: str, field: str, errors: Errors) -> int | None:
    text = (raw or "").strip().lstrip("$€£").strip()
    if not text:
        errors.append((field, _("Enter an amount")))
        return None
    try:
        if len(text) > _AMOUNT_CHARACTERS:
            raise MoneyError("too long to be an amount")
        value = parse_major(_plain_number(text), currency).minor
    except (MoneyError, NumberFormatError, ValueError):
        # ValueError: int() refuses numbers of thousands of digits (a stuck key is not an amount).
        errors.append((field, _("Enter an amount using numbers, for example 25.00")))
        return None
    if value <= 0:
        errors.append((field, _("Enter an amount more than zero")))
        return None
    if value >= AMOUNT_MAX:
        errors.append((field, _("That amount is too large. Check the number and try again.")))
        return None
    return value


def parse_count(raw: str | None, field: str, errors: Errors) -> int | None:
    text = (raw or "").strip()
    if not text:
        errors.append((field, _("Enter how many payments you want to make")))
        return None
    if not is_ascii_number(text, most_digits=_COUNT_DIGITS) or int(text) < 1:
        errors.append((field, _("Enter the number of payments as a whole number, for example 6")))
        return None
    return int(text)
