"""Amounts typed the way each reader writes numbers, and refused when they could mean two things."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.amount_input import (
    AmountInputError,
    AmountProblem,
    amount_example,
    amount_for_locale,
    parse_amount_text,
    symbols,
)

#: Every formatting locale a debtor's page can have.
LOCALES = ["en_US", "en_GB", "es_US", "es", "vi", "zh_Hant"]


@given(
    minor=st.integers(min_value=0, max_value=10**12),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD"]),
    locale=st.sampled_from(LOCALES),
    grouped=st.booleans(),
)
def test_an_amount_written_for_a_locale_is_read_back_exactly(minor, currency, locale, grouped):
    written = amount_for_locale(minor, currency, locale, grouped=grouped)
    assert parse_amount_text(written, currency, locale).minor == minor


@given(minor=st.integers(min_value=0, max_value=10**9), locale=st.sampled_from(LOCALES))
def test_the_portals_own_plain_form_reads_the_same_for_everyone(minor, locale):
    # Saved answers are posted back as "400.00": no locale groups digits in twos.
    plain = f"{minor // 100}.{minor % 100:02d}"
    assert parse_amount_text(plain, "USD", locale).minor == minor


@pytest.mark.parametrize(
    ("locale", "typed", "minor"),
    [
        ("en_US", "1,000.50", 100050),
        ("en_US", "$401.40", 40140),
        ("en_US", "1000", 100000),
        ("en_US", ".50", 50),
        ("en_US", "1 000", 100000),
        ("es_US", "1,000.50", 100050),
        ("es", "1.000", 100000),
        ("es", "1.000,50", 100050),
        ("es", "401,40 US$", 40140),
        ("vi", "1.234,5", 123450),
        ("zh_Hant", "1,234.50", 123450),
        ("en_GB", "US$401.40", 40140),
    ],
)
def test_amounts_are_read_the_way_the_reader_writes_them(locale, typed, minor):
    assert parse_amount_text(typed, "USD", locale).minor == minor


@pytest.mark.parametrize(
    ("locale", "typed", "problem"),
    [
        # The issue: "1.000" typed on a US Spanish page was read as $1.00.
        ("es_US", "1.000", AmountProblem.TOO_MANY_DECIMALS),
        ("en_US", "1.000", AmountProblem.TOO_MANY_DECIMALS),
        ("en_US", "1,00", AmountProblem.SEPARATORS),
        ("en_US", "1.000,50", AmountProblem.SEPARATORS),
        ("en_US", "40,00", AmountProblem.SEPARATORS),
        ("en_US", "1,2,3", AmountProblem.SEPARATORS),
        ("en_US", "12345,678", AmountProblem.SEPARATORS),
        ("en_US", "12.", AmountProblem.SEPARATORS),
        ("en_US", "1.2.3", AmountProblem.SEPARATORS),
        ("es", "1,000.50", AmountProblem.SEPARATORS),
        ("es", "1,505", AmountProblem.TOO_MANY_DECIMALS),
        ("en_US", "abc", AmountProblem.NOT_A_NUMBER),
        ("en_US", "-5", AmountProblem.NOT_A_NUMBER),
        ("en_US", "", AmountProblem.NOT_A_NUMBER),
        ("en_US", "$", AmountProblem.NOT_A_NUMBER),
        ("en_US", "٣", AmountProblem.NOT_A_NUMBER),
        ("en_US", "1" * 41, AmountProblem.NOT_A_NUMBER),
    ],
)
def test_ambiguous_or_foreign_separators_are_refused_never_guessed(locale, typed, problem):
    with pytest.raises(AmountInputError) as refused:
        parse_amount_text(typed, "USD", locale)
    assert refused.value.kind is problem


@given(
    whole=st.integers(min_value=1, max_value=999),
    thousands=st.integers(min_value=0, max_value=999),
    locale=st.sampled_from(LOCALES),
)
def test_a_thousand_is_never_read_as_one_nor_one_as_a_thousand(whole, thousands, locale):
    """One separator before three digits is a thousands group or nothing: never cents."""
    decimal_mark, group_mark = symbols(locale)
    typed = f"{whole}{decimal_mark}{thousands:03d}"
    with pytest.raises(AmountInputError):
        parse_amount_text(typed, "USD", locale)
    assert (
        parse_amount_text(f"{whole}{group_mark}{thousands:03d}", "USD", locale).minor
        == (whole * 1000 + thousands) * 100
    )


@pytest.mark.parametrize(
    ("locale", "currency", "example"),
    [
        ("en_US", "USD", "1,000.00"),
        ("es_US", "USD", "1,000.00"),
        ("en_GB", "USD", "1,000.00"),
        ("es", "USD", "1.000,00"),
        ("vi", "USD", "1.000,00"),
        ("en_US", "JPY", "1,000"),
    ],
)
def test_the_expected_form_is_built_from_the_locale(locale, currency, example):
    assert amount_example(currency, locale) == example
