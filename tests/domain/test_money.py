"""Money: integer minor units per currency, parsed strictly, never mixed across currencies."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.money import Money, MoneyError, exponent, parse_major, total

PLACES = {"JPY": 0, "USD": 2, "KWD": 3}


@pytest.mark.parametrize(("currency", "places"), PLACES.items())
def test_exponent_is_the_currencys_number_of_decimal_places(currency, places):
    assert exponent(currency) == places


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("0", "JPY", 0),
        ("500", "JPY", 500),
        ("1,000", "JPY", 1000),
        ("0", "USD", 0),
        ("0.00", "USD", 0),
        ("1234.50", "USD", 123450),
        ("1234.5", "USD", 123450),
        ("1,234.56", "USD", 123456),
        (" 7 ", "USD", 700),
        ("0.01", "USD", 1),
        ("0", "KWD", 0),
        ("1.234", "KWD", 1234),
        ("1.2", "KWD", 1200),
        ("0.001", "KWD", 1),
    ],
)
def test_parse_major_gives_integer_minor_units(text, currency, minor):
    parsed = parse_major(text, currency)
    assert parsed == Money(minor, currency)
    assert type(parsed.minor) is int


@pytest.mark.parametrize(
    ("text", "currency"), [("-1", "USD"), ("-0.01", "USD"), ("-5", "JPY"), ("-1.000", "KWD")]
)
def test_parse_major_refuses_negative_amounts(text, currency):
    with pytest.raises(MoneyError):
        parse_major(text, currency)


@pytest.mark.parametrize(
    ("text", "currency"), [("1.5", "JPY"), ("12.345", "USD"), ("0.001", "USD"), ("1.2345", "KWD")]
)
def test_parse_major_refuses_more_decimals_than_the_currency_has(text, currency):
    with pytest.raises(MoneyError, match="decimal places"):
        parse_major(text, currency)


@pytest.mark.parametrize(
    "text", ["abc", "", "   ", "1.2.3", "1e3", "$5", "5 USD", "1.", ".5", "½", "NaN", "Infinity"]
)
def test_parse_major_refuses_text_that_is_not_an_amount(text):
    with pytest.raises(MoneyError):
        parse_major(text, "USD")


@pytest.mark.parametrize("currency", ["XYZ", "usd", "", "US", "DOLLARS"])
def test_unknown_currency_is_refused(currency):
    with pytest.raises(MoneyError):
        parse_major("1", currency)
    with pytest.raises(MoneyError):
        Money(1, currency)


def test_money_refuses_non_integer_minor_units():
    with pytest.raises(MoneyError):
        Money(1.5, "USD")
    with pytest.raises(MoneyError):
        Money(Decimal("1"), "USD")
    with pytest.raises(MoneyError):
        Money(True, "USD")


def test_adding_and_subtracting_the_same_currency():
    assert Money(150, "USD") + Money(25, "USD") == Money(175, "USD")
    assert Money(150, "USD") - Money(25, "USD") == Money(125, "USD")


def test_arithmetic_refuses_to_mix_currencies():
    with pytest.raises(MoneyError, match="USD"):
        Money(100, "USD") + Money(100, "JPY")
    with pytest.raises(MoneyError, match="KWD"):
        Money(100, "USD") - Money(100, "KWD")


def test_total_sums_one_currency_and_refuses_another():
    assert total([], "KWD") == Money(0, "KWD")
    assert total([Money(1, "KWD"), Money(2, "KWD")], "KWD") == Money(3, "KWD")
    with pytest.raises(MoneyError):
        total([Money(1, "USD"), Money(2, "JPY")], "USD")


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        (Money(500, "JPY"), "500"),
        (Money(123450, "USD"), "1234.50"),
        (Money(1, "USD"), "0.01"),
        (Money(0, "USD"), "0.00"),
        (Money(1234, "KWD"), "1.234"),
    ],
)
def test_as_decimal_is_exact_major_units(money, expected):
    assert money.as_decimal() == Decimal(expected)
    assert money.as_decimal().as_tuple().exponent == Decimal(expected).as_tuple().exponent


def _plain(minor: int, places: int) -> str:
    if not places:
        return str(minor)
    whole, frac = divmod(minor, 10**places)
    return f"{whole}.{frac:0{places}d}"


def _grouped(minor: int, places: int) -> str:
    """The way a person or a spreadsheet might write it: 1,234,567.89."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(Money(minor, _currency_for(places)).as_decimal(), format=pattern, locale="en_US")


def _currency_for(places: int) -> str:
    return {v: k for k, v in PLACES.items()}[places]


amounts = st.integers(min_value=0, max_value=10**9)
currencies = st.sampled_from(sorted(PLACES))


@given(minor=amounts, currency=currencies)
def test_parsing_a_formatted_amount_round_trips(minor, currency):
    places = PLACES[currency]
    assert parse_major(_plain(minor, places), currency) == Money(minor, currency)
    assert parse_major(_grouped(minor, places), currency) == Money(minor, currency)


@given(minor=amounts, currency=currencies)
def test_as_decimal_round_trips_through_parse(minor, currency):
    money = Money(minor, currency)
    assert parse_major(format(money.as_decimal(), "f"), currency) == money


@given(minor=amounts, currency=currencies)
def test_as_decimal_is_exact(minor, currency):
    places = PLACES[currency]
    value = Money(minor, currency).as_decimal()
    assert value * (10**places) == minor
    assert value.as_tuple().exponent == -places
    assert str(value) == _plain(minor, places)


@given(a=amounts, b=amounts, currency=currencies)
def test_addition_is_exact_in_minor_units(a, b, currency):
    assert (Money(a, currency) + Money(b, currency)).minor == a + b
    assert (Money(a, currency) - Money(b, currency)).minor == a - b


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("1,234,567.89", "USD", 123456789), ("12,345", "JPY", 12345), ("999,999.000", "KWD", 999999000)],
)
def test_commas_between_groups_of_three_digits_are_thousands_separators(text, currency, minor):
    assert parse_major(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    "text", ["12,50", "1,2345", "1234,567.00", ",500", "1,,000", "1,000,00", "12,5", "1.000,50", "١٢٣"]
)
def test_a_comma_that_is_not_a_thousands_separator_is_refused_never_dropped(text):
    """ "12,50" used to become 1,250.00: every comma was removed before parsing."""
    with pytest.raises(MoneyError) as raised:
        parse_major(text, "USD")
    assert "a comma may only separate thousands" in raised.value.problem
    assert text not in raised.value.problem  # the reason can be printed without the value
