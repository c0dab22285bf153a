"""The rules the form kit's fields read by: amounts, counts and refused text, strictly; and the
form of a button that asks nothing (only its security token is checked)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.domain.amount_input import AmountInputError, AmountProblem, amount_example, parse_amount_text
from portal.domain.money import MoneyError
from portal.domain.text import has_refused_character, is_ascii_number
from portal.i18n import page_locale

Errors = list[tuple[str, str]]

#: Larger amounts are typing mistakes, and would not fit the database's integer columns.
AMOUNT_MAX = 10**9
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


def amount_format_error(currency: str, locale: str) -> str:
    """What to say when an amount's separators cannot be read for sure: the form it should take
    for this reader ("1,000.00" in en_US, "1.000,00" in es), built from the locale."""
    example = amount_example(currency, locale)
    if currency == "USD":
        return _("Enter the amount in dollars and cents, like %(example)s", example=example)
    return _("Enter the amount using numbers, like %(example)s", example=example)


def parse_amount(raw: str | None, currency: str, field: str, errors: Errors) -> int | None:
    """The amount typed, in minor units, read the way the page's reader writes numbers; or None
    with the reason added to *errors*."""
    text = (raw or "").strip()
    if not text:
        errors.append((field, _("Enter an amount")))
        return None
    locale = page_locale()
    try:
        value = parse_amount_text(text, currency, locale).minor
    except AmountInputError as error:
        if error.kind is AmountProblem.NOT_A_NUMBER:
            example = amount_example(currency, locale, major=25)
            message = _("Enter an amount using numbers, for example %(example)s", example=example)
            errors.append((field, message))
        else:
            errors.append((field, amount_format_error(currency, locale)))
        return None
    except (MoneyError, ValueError):
        # ValueError: int() refuses numbers of thousands of digits (a stuck key is not an amount).
        errors.append((field, amount_format_error(currency, locale)))
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
