"""The money field (the amount pages' rules) and the day, month and year date field."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from portal.domain.dates import DateProblem
from portal.forms.fields import DayMonthYearField
from tests.forms.forms import AmountForm, BareDateForm, FirstDateForm


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("25", 2500), ("25.50", 2550), ("$1,234.56", 123456), (" 40.00 ", 4000)],
)
def test_a_good_amount_is_read_in_minor_units(posted, typed, minor):
    form, valid = posted(AmountForm, [("amount", typed)])
    assert valid and form.amount.data == minor


def test_an_amount_is_read_the_way_the_readers_language_writes_it(kit_app):
    with kit_app.test_request_context("/", method="POST"), force_locale("es"):
        form = AmountForm(formdata=MultiDict([("amount", "1.040,50")]))
        assert form.validate() and form.amount.data == 104050


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("twenty", "Enter an amount using numbers, for example 25.00"),
        ("1" * 41, "Enter an amount using numbers, for example 25.00"),
        ("25\x00", "Enter an amount using numbers, for example 25.00"),
        ("25\udc80", "Enter an amount using numbers, for example 25.00"),
        ("0", "Enter an amount more than zero"),
        ("10000000", "That amount is too large. Check the number and try again."),
    ],
    ids=["empty", "words", "too-long", "nul", "lone-surrogate", "zero", "too-large"],
)
def test_each_amount_error_is_the_amount_pages_own(posted, typed, message):
    form, valid = posted(AmountForm, [("amount", typed)])
    assert not valid
    assert form.amount.errors == [message] and form.amount.data is None
    assert form.error_summary() == [("amount", message)]


def test_an_amount_is_kept_as_typed_and_a_second_one_posted_is_ignored(posted):
    form, valid = posted(AmountForm, [("amount", "12.5x"), ("amount", "10")])
    assert not valid and form.amount.shown() == "12.5x"


def test_the_currency_decides_the_minor_units(posted):
    form, valid = posted(AmountForm, [("amount", "2500")], currency="JPY")
    assert valid and form.amount.data == 2500


def _date(prefix: str, day, month, year) -> list[tuple[str, str]]:
    return [(f"{prefix}day", str(day)), (f"{prefix}month", str(month)), (f"{prefix}year", str(year))]


def test_a_good_date_is_read_from_its_three_boxes(posted):
    form, valid = posted(FirstDateForm, _date("first-", 15, 4, 2027))
    assert valid and form.first.data == date(2027, 4, 15)


def test_full_width_digits_are_read_as_the_digits_they_show(posted):
    form, valid = posted(FirstDateForm, _date("first-", "１５", "４", "２０２７"))
    assert valid and form.first.data == date(2027, 4, 15)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "Enter the date of the first payment"),
        (_date("first-", "", "", ""), "Enter the date of the first payment"),
        (_date("first-", 15, "", 2027), "Enter the date using numbers, for example 15 4 2027"),
        (_date("first-", "x", 4, 2027), "Enter the date using numbers, for example 15 4 2027"),
        (_date("first-", 15, 4, 27), "Enter the date using numbers, for example 15 4 2027"),
        (_date("first-", "1\x00", 4, 2027), "Enter the date using numbers, for example 15 4 2027"),
        (_date("first-", "1\ud800", 4, 2027), "Enter the date using numbers, for example 15 4 2027"),
        (_date("first-", 31, 2, 2027), "The date of the first payment must be a real date"),
        (_date("first-", "1" * 30, 2, 2027), "The date of the first payment must be a real date"),
        (_date("first-", 1, 1, 2020), "The date of the first payment must be in the future"),
    ],
    ids=[
        "nothing",
        "empty",
        "incomplete",
        "letters",
        "short-year",
        "nul",
        "surrogate",
        "not-real",
        "huge-day",
        "form-check",
    ],
)
def test_each_date_error_is_the_pages_own_and_links_to_the_first_box(posted, pairs, message):
    form, valid = posted(FirstDateForm, pairs)
    assert not valid
    assert form.first.errors == [message]
    # The kit's app speaks plain "en", which writes the month first, so the month box leads.
    assert form.error_summary() == [("first-month", message)]


def test_what_was_typed_in_each_box_is_kept(posted):
    form, _valid = posted(FirstDateForm, _date("first-", 31, 2, 2027))
    assert [form.first.shown(p) for p in ("day", "month", "year")] == ["31", "2", "2027"]


def test_a_box_posted_twice_reads_the_first(posted):
    form, valid = posted(FirstDateForm, [*_date("first-", 15, 4, 2027), ("first-day", "99")])
    assert valid and form.first.data == date(2027, 4, 15)


def test_a_starting_date_fills_the_boxes(kit_app):
    with kit_app.test_request_context("/"):
        form = FirstDateForm(first=date(2027, 4, 5))
        assert [form.first.shown(p) for p in ("day", "month", "year")] == ["5", "4", "2027"]


def test_boxes_may_be_named_day_month_and_year_alone_and_never_sent_back(posted):
    form, valid = posted(BareDateForm, _date("", 27, 3, 1980))
    assert valid and form.dob.data == date(1980, 3, 27)
    assert [form.dob.part_name(p) for p in ("day", "month", "year")] == ["day", "month", "year"]
    assert form.dob.part_id("day") == "dob-day" and form.dob.shown("day") == ""
    form, valid = posted(BareDateForm, _date("dob-", 27, 3, 1980))
    assert not valid and form.dob.errors == ["Enter the date of the first payment"]


def test_a_date_field_must_have_a_message_for_every_problem():
    with pytest.raises(ValueError, match="not_real"):
        DayMonthYearField(
            "Date",
            messages={p: "x" for p in DateProblem if p != DateProblem.NOT_REAL},
            _form=None,
            _meta=FirstDateForm.Meta(),
            name="d",
        )
