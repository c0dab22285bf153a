"""Reading an amount typed the way the reader's locale writes numbers ("1,000.50" in en_US,
"1.000,50" in es), strictly: separators that could mean two things are refused, never guessed,
so a typed thousand never becomes one and one never becomes a thousand."""

from __future__ import annotations

import enum
import re
from decimal import Decimal

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from portal.domain.money import Money, MoneyError, exponent

#: More characters than any amount anyone types; longer text is refused before it is read.
MOST_CHARACTERS = 40
#: Currency signs a person may type before or after the number (the page already names the currency).
_SIGNS = re.compile(r"^(?:US\$|\$|€|£)?(?P<number>.*?)(?:US\$|\$|€|£)?$")
#: Spaces a person or a copied amount may hold; none of the locales we speak groups with them.
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
#: The portal's own plain form ("400.00": digits, a dot, exactly the currency's decimals), which
#: saved answers are posted back in: no locale groups digits in twos, so it means one thing in all.
_PLAIN = "^[0-9]+\\.[0-9]{%d}$"


class AmountProblem(enum.StrEnum):
    NOT_A_NUMBER = "not_a_number"  # letters, signs, or nothing but separators
    SEPARATORS = "separators"  # separators in the wrong places, or another locale's
    TOO_MANY_DECIMALS = "too_many_decimals"  # more decimals than the currency has ("1.000" in en_US)


class AmountInputError(MoneyError):
    """An amount typed in a form that cannot be read for sure; `kind` says which way it is wrong."""

    def __init__(self, kind: AmountProblem):
        super().__init__(f"the amount typed is {kind.value}", kind.value)
        self.kind = kind


def symbols(locale: str) -> tuple[str, str]:
    """The decimal mark and the group separator of *locale*: (".", ",") for en_US."""
    return get_decimal_symbol(locale), get_group_symbol(locale)


def parse_amount_text(text: str, currency: str, locale: str) -> Money:
    """The non-negative amount *text* means for a reader of *locale*, or AmountInputError."""
    places = exponent(currency)
    number = _SIGNS.match((text or "").strip()).group("number").translate(_SPACES)  # type: ignore[union-attr]
    if not number or len(number) > MOST_CHARACTERS:
        raise AmountInputError(AmountProblem.NOT_A_NUMBER)
    if places and re.match(_PLAIN % places, number):
        whole, fraction = number.split(".")
        return Money(int(whole + fraction), currency)
    decimal_mark, group_mark = symbols(locale)
    if any(not (c.isascii() and c.isdigit()) and c not in (decimal_mark, group_mark) for c in number):
        raise AmountInputError(AmountProblem.NOT_A_NUMBER)
    whole, has_fraction, fraction = number.partition(decimal_mark)
    if group_mark in fraction or decimal_mark in fraction:
        raise AmountInputError(AmountProblem.SEPARATORS)
    if has_fraction and not fraction:
        raise AmountInputError(AmountProblem.SEPARATORS)  # "12." reads as a slip, not as twelve
    groups = whole.split(group_mark) if whole or not fraction else ["0"]  # ".50" is fifty cents
    if not all(groups) or (len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]))):
        raise AmountInputError(AmountProblem.SEPARATORS)
    if len(fraction) > places:
        # "1.000" where "." marks decimals: a thousand written with the wrong separator, or a
        # mistyped amount; either way not an amount of this currency.
        raise AmountInputError(AmountProblem.TOO_MANY_DECIMALS)
    return Money(int("".join(groups) + fraction.ljust(places, "0")), currency)


def amount_for_locale(minor: int, currency: str, locale: str, *, grouped: bool = True) -> str:
    """An amount as a reader of *locale* types it, without the currency sign ("1,000.50")."""
    places = exponent(currency)
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
    value = Money(minor, currency).as_decimal()
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)


def amount_example(currency: str, locale: str, major: int = 1000) -> str:
    """The form an amount takes for this locale and currency, to show beside an error ("1,000.00")."""
    return amount_for_locale(int(Decimal(major).scaleb(exponent(currency))), currency, locale)
