"""The own offer's, the affordability check's and the promise and call-back forms on their own:
each answer read, and each error in the person's words, linked to its field."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from portal.affordability.forms import IncomeForm, NextForm, OutgoingsForm, ShareForm
from portal.cant_pay.forms import (
    DaysForm,
    ExplanationForm,
    PhoneForm,
    PromiseAmountForm,
    PromiseDateForm,
)
from portal.domain.locale_dates import example_date
from portal.domain.money import Money
from portal.offers.forms import AmountForm, FrequencyForm, NoteForm, StartForm

TODAY = date(2027, 3, 10)


@pytest.fixture
def post(app):
    """post(FormClass, pairs, **kwargs): the form checked against a POST of *pairs*; and if it passed."""
    with app.test_request_context("/", method="POST"):

        def validated(form_class, pairs, **kwargs):
            form = form_class(formdata=MultiDict(pairs), **kwargs)
            return form, form.validate()

        yield validated


def _date(prefix: str, day: date) -> list[tuple[str, str]]:
    return [
        (f"{prefix}-day", str(day.day)),
        (f"{prefix}-month", str(day.month)),
        (f"{prefix}-year", str(day.year)),
    ]


# --- The own offer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("forty", "Enter an amount using numbers, for example 25.00"),
        ("100.00", "That is the whole amount you owe. You can pay it in full instead."),
        ("0.01", "That amount would take too many payments. Enter a larger amount."),
    ],
)
def test_an_offered_amount_must_be_less_than_the_balance(post, typed, message):
    form, valid = post(AmountForm, [("amount", typed)], currency="USD", balance=10000)
    assert not valid and form.error_summary() == [("amount", message)]


def test_an_offered_amount_is_read_in_minor_units(post):
    form, valid = post(AmountForm, [("amount", "40.00")], currency="USD", balance=10000)
    assert valid and form.amount.data == 4000


def test_how_often_is_one_of_the_frequencies(post):
    form, valid = post(FrequencyForm, [("frequency", "monthly")])
    assert valid and form.frequency.data == "monthly"
    form, valid = post(FrequencyForm, [("frequency", "daily")])
    assert not valid and form.error_summary() == [("frequency-0", "Choose how often you can pay")]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "Enter the date of the first payment"),
        (_date("start", date(2027, 3, 9)), "The first payment cannot be in the past."),
        (_date("start", date(2028, 3, 11)), "The first payment must be within a year from today."),
        (
            [("start-day", "31"), ("start-month", "2"), ("start-year", "2027")],
            "Enter a real date, for example {example}",
        ),
        (
            [("start-day", "x"), ("start-month", "2"), ("start-year", "2027")],
            "Enter the date using numbers, for example {example}",
        ),
    ],
    ids=["missing", "past", "too-late", "not-real", "not-numbers"],
)
def test_the_first_payment_is_from_today_to_a_year_ahead(post, pairs, message):
    # The example is a week or so after the form's today, month first (the form's reader is "en").
    example = example_date(TODAY)
    message = message.format(example=f"{example.month} {example.day} {example.year}")
    form, valid = post(StartForm, pairs, today=TODAY)
    assert not valid and form.error_summary() == [("start-month", message)]
    form, valid = post(StartForm, _date("start", TODAY), today=TODAY)
    assert valid and form.start.data == TODAY


def test_a_note_is_optional_up_to_its_limit(post):
    form, valid = post(NoteForm, [])
    assert valid and form.note.data == ""
    form, valid = post(NoteForm, [("note", "x" * 1001)])
    assert not valid and form.error_summary() == [("note", "Your note must be 1000 characters or fewer")]


# --- The affordability check --------------------------------------------------------------------


def test_income_may_be_zero_but_not_left_empty(post):
    form, valid = post(IncomeForm, [("income", "0")], currency="USD")
    assert valid and form.income.data == 0
    form, valid = post(IncomeForm, [("income", "2,100.50")], currency="USD")
    assert valid and form.income.data == 210050
    form, valid = post(IncomeForm, [("income", " ")], currency="USD")
    assert not valid
    assert form.error_summary() == [("income", "Enter your monthly income, or 0 if you have none")]


def test_outgoings_left_empty_are_nothing_spent(post):
    form, valid = post(OutgoingsForm, [("housing", "800"), ("food", ""), ("bills", "0.00")], currency="USD")
    assert valid and form.spent() == {"housing": 80000}
    form, valid = post(OutgoingsForm, [("travel", "lots"), ("housing", "-5")], currency="USD")
    assert not valid
    assert [anchor for anchor, _message in form.error_summary()] == ["housing", "travel"]  # page order


def test_sharing_and_what_next_are_chosen(post):
    form, valid = post(ShareForm, [])
    assert not valid and form.error_summary() == [("share-0", "Choose yes or no")]
    form, valid = post(NextForm, [("next", "offer")])
    assert valid and form.next.data == "offer"


# --- Promise to pay and call back ---------------------------------------------------------------

WINDOW = (date(2027, 3, 10), date(2027, 3, 24))


def test_a_promised_day_is_inside_the_window(post):
    form, valid = post(PromiseDateForm, _date("date", date(2027, 3, 24)), window=WINDOW)
    assert valid and form.date.data == date(2027, 3, 24)
    form, valid = post(PromiseDateForm, _date("date", date(2027, 3, 25)), window=WINDOW)
    assert not valid
    assert form.error_summary() == [
        ("date-month", "The date must be between March 10, 2027 and March 24, 2027")
    ]
    form, valid = post(PromiseDateForm, [], window=WINDOW)
    assert form.error_summary() == [("date-month", "Enter the date you will pay")]


def test_a_promise_is_the_full_amount_or_a_smaller_part(post):
    balance = Money(10000, "USD")
    form, valid = post(PromiseAmountForm, [("how_much", "full"), ("amount", "junk")], balance=balance)
    assert valid and form.answer() == ("full", None)
    form, valid = post(PromiseAmountForm, [("how_much", "part"), ("amount", "25")], balance=balance)
    assert valid and form.answer() == ("part", 2500)
    form, valid = post(PromiseAmountForm, [("how_much", "part"), ("amount", "100")], balance=balance)
    assert not valid
    assert form.error_summary() == [
        ("amount", "That is the whole amount you owe. Choose the full amount instead.")
    ]
    form, valid = post(PromiseAmountForm, [], balance=balance)
    assert form.error_summary() == [
        ("how_much-0", "Choose whether you will pay the full amount or part of it")
    ]
    assert form.how_much.choices[0] == ("full", "The full amount, $100.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a phone number where we can call you"),
        ("call me", "Enter a phone number using numbers only, for example 312 555 0100"),
        ("123", "Enter a phone number using numbers only, for example 312 555 0100"),
    ],
)
def test_a_phone_number_has_seven_to_fifteen_digits(post, typed, message):
    form, valid = post(PhoneForm, [("phone", typed)])
    assert not valid and form.error_summary() == [("phone", message)]
    form, valid = post(PhoneForm, [("phone", " +1 (312)  555-0100 ")])
    assert valid and form.phone.data == "+1 (312) 555-0100"


def test_days_come_in_the_weeks_order_and_an_explanation_has_a_limit(post):
    form, valid = post(DaysForm, [("days", "friday"), ("days", "monday"), ("days", "sunday")])
    assert valid and form.answer() == ["monday", "friday"]
    form, valid = post(ExplanationForm, [("explanation", "x" * 2001)])
    assert not valid
    assert form.error_summary() == [("explanation", "Your explanation must be 2000 characters or fewer")]
