"""The kit's date and amount fields follow the reader's locale: the boxes' order, the box the
error summary links to, the example in a message, and how an amount's separators are read."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import render_template_string
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.fields import DayMonthYearField
from tests.forms.forms import AmountForm

WITH_EXAMPLE = {
    DateProblem.MISSING: "Enter the date",
    DateProblem.INCOMPLETE: "Enter the date using numbers, for example %(example)s",
    DateProblem.NOT_NUMBERS: "Enter the date using numbers, for example %(example)s",
    DateProblem.NOT_REAL: "Enter a real date, for example %(example)s",
}


class RangeForm(Form):
    when = DayMonthYearField("When?", messages=WITH_EXAMPLE)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.when.earliest, self.when.latest = date(2026, 12, 6), date(2027, 1, 3)


class BirthForm(Form):
    dob = DayMonthYearField("Born?", messages=WITH_EXAMPLE, part_prefix="", example=date(1980, 3, 27))


@pytest.mark.parametrize(
    ("locale", "order", "example"),
    [
        ("en_US", ["month", "day", "year"], "12 13 2026"),
        ("es_US", ["month", "day", "year"], "12 13 2026"),
        ("en_GB", ["day", "month", "year"], "13 12 2026"),
        ("es", ["day", "month", "year"], "13 12 2026"),
        ("vi", ["day", "month", "year"], "13 12 2026"),
        ("zh_Hant", ["year", "month", "day"], "2026 12 13"),
    ],
)
def test_the_boxes_the_anchor_and_the_example_follow_the_locale(kit_app, locale, order, example):
    with kit_app.test_request_context("/", method="POST"), force_locale(locale):
        form = RangeForm(formdata=MultiDict([("when-day", "31"), ("when-month", "2"), ("when-year", "x")]))
        assert not form.validate()
        html = render_template_string(
            '{% from "macros/fields.html" import date_input %}{{ date_input(form.when) }}', form=form
        )
        summary = form.error_summary()
    assert summary == [(f"when-{order[0]}", f"Enter the date using numbers, for example {example}")]
    positions = [html.index(f'id="when-{part}"') for part in order]
    assert positions == sorted(positions)
    assert re.search(rf'aria-describedby="[^"]*\bwhen-{order[0]}-error"', html)
    assert f'id="when-{order[0]}-error"' in html


@pytest.mark.parametrize(
    ("locale", "example"), [("en_US", "3 27 1980"), ("en_GB", "27 3 1980"), ("zh_Hant", "1980 3 27")]
)
def test_a_fixed_example_is_written_in_the_readers_order(kit_app, locale, example):
    with kit_app.test_request_context("/"), force_locale(locale):
        form = BirthForm(formdata=MultiDict([("day", "x"), ("month", "3"), ("year", "1980")]))
        assert not form.validate()
        assert form.dob.errors == [f"Enter the date using numbers, for example {example}"]


@pytest.mark.parametrize(
    ("locale", "typed", "minor", "error"),
    [
        ("en_US", "1,000.50", 100050, None),
        ("es_US", "1,000.50", 100050, None),
        ("es", "1.000,50", 100050, None),
        ("es_US", "1.000", None, "Enter the amount in dollars and cents, like 1,000.00"),
        ("en_US", "1,00", None, "Enter the amount in dollars and cents, like 1,000.00"),
        ("en_US", "1.000,50", None, "Enter the amount in dollars and cents, like 1,000.00"),
        ("es", "1,000.50", None, "Enter the amount in dollars and cents, like 1.000,00"),
        ("en_US", "abc", None, "Enter an amount using numbers, for example 25.00"),
        ("vi", "abc", None, "Enter an amount using numbers, for example 25,00"),
    ],
)
def test_an_amount_is_read_by_the_readers_separators_or_refused_showing_the_form(
    kit_app, locale, typed, minor, error
):
    with kit_app.test_request_context("/", method="POST"), force_locale(locale):
        form = AmountForm(formdata=MultiDict([("amount", typed)]))
        valid = form.validate()
    assert valid is (error is None)
    assert form.amount.data == minor
    assert form.amount.errors == ([] if error is None else [error])


def test_another_currency_is_refused_in_words_that_fit_it(kit_app):
    with kit_app.test_request_context("/", method="POST"), force_locale("en_US"):
        form = AmountForm("JPY", formdata=MultiDict([("amount", "1.5")]))
        assert not form.validate()
    assert form.amount.errors == ["Enter the amount using numbers, like 1,000"]
