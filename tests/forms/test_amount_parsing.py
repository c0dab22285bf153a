"""Amounts typed the way each language writes them."""

import pytest
from flask_babel import force_locale

from portal.forms.checks import parse_amount


@pytest.mark.parametrize(
    ("language", "typed", "minor"),
    [
        ("en", "40", 4000),
        ("en", "40.00", 4000),
        ("en", "1,234.50", 123450),
        ("en", "$25", 2500),
        ("es", "40,00", 4000),
        ("es", "40", 4000),
        ("es", "1.234,50", 123450),
        ("es", "40.50", 4050),
        ("vi", "40,00", 4000),
        ("vi", "1.234,50", 123450),
        ("vi", "40.50", 4050),
        ("zh_Hant", "40.00", 4000),
        ("zh_Hant", "1,234.50", 123450),
    ],
)
def test_amounts_follow_the_readers_language(app, language, typed, minor):
    errors = []
    with app.test_request_context(), force_locale(language):
        assert parse_amount(typed, "USD", "amount", errors) == minor
    assert errors == []


@pytest.mark.parametrize("typed", ["abc", "12.345", "1,2,3", "-5", "0"])
def test_bad_amounts_are_refused_with_a_message(app, typed):
    errors = []
    with app.test_request_context(), force_locale("en"):
        assert parse_amount(typed, "USD", "amount", errors) is None
    assert errors and errors[0][0] == "amount"
