"""The plan pages' forms on their own, in a request: what each reads, each error and where the
error summary links it, answers kept to show again, and the agree step's consent box."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask, render_template_string, session
from flask_babel import Babel
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

import portal
from portal import clock
from portal.domain.locale_dates import MONTH_FIRST, date_numbers, example_date
from portal.plans.forms import (
    SETUP_SESSION_KEY,
    AgreeForm,
    ChangeCardForm,
    DownPaymentForm,
    FirstDateForm,
    FrequencyForm,
    PaymentsForm,
)

OFFERED = [("weekly", "Every week"), ("monthly", "Every month")]
WHOLE_NUMBER = "Enter the number of payments as a whole number, for example 6"
# A form with no range set gives an example about a week from today, month first (plain "en").
NOT_NUMBERS = "Enter the date using numbers, for example " + date_numbers(
    example_date(clock.today()), MONTH_FIRST
)
NO_CARD = "Enter your card details"
TICK = "Tick the box to agree to the plan and to us keeping your card"


@pytest.fixture
def forms_app():
    app = Flask("plan_forms", template_folder=str(Path(portal.__file__).parent / "templates"))
    app.config.update(SECRET_KEY="plan form tests", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    return app


@pytest.fixture
def post(forms_app):
    """post(FormClass, pairs, *args, setup=None): the form read from a POST of *pairs*, validated,
    with *setup* as this visit's SetupIntent; returns (form, whether it was valid)."""
    contexts = []

    def posted(form_class, pairs, *args, setup=None, **kwargs):
        context = forms_app.test_request_context("/", method="POST")
        context.push()
        contexts.append(context)
        if setup is not None:
            session[SETUP_SESSION_KEY] = setup
        form = form_class(*args, formdata=MultiDict(pairs), **kwargs)
        return form, form.validate_on_submit()

    yield posted
    for context in reversed(contexts):
        context.pop()


# --- How often ---------------------------------------------------------------------------------


def test_a_way_to_pay_the_policy_offers_is_read(post):
    form, valid = post(FrequencyForm, [("frequency", "monthly")], OFFERED)
    assert valid and form.frequency.data == "monthly"


@pytest.mark.parametrize("pairs", [[], [("frequency", "every_two_weeks")], [("frequency", "")]])
def test_no_way_or_one_not_offered_is_refused_at_the_first_radio(post, pairs):
    form, valid = post(FrequencyForm, pairs, OFFERED)
    assert not valid
    assert form.error_summary() == [("frequency-0", "Choose how often you want to pay")]


def test_only_the_offered_ways_are_shown_with_the_saved_one_chosen(forms_app):
    with forms_app.test_request_context("/"):
        form = FrequencyForm(OFFERED, frequency="monthly")
        assert [
            (value, label, checked) for _id, value, label, _lang, checked in form.frequency.options()
        ] == [
            ("weekly", "Every week", False),
            ("monthly", "Every month", True),
        ]
        assert not form.validate_on_submit() and form.error_summary() == []


# --- How the payments are set ------------------------------------------------------------------


def test_a_number_of_payments_is_read_and_the_amount_left_out(post):
    form, valid = post(PaymentsForm, [("method", "count"), ("count", " 6 "), ("amount", "oops")], "USD")
    assert valid
    assert form.answer() == {"method": "count", "count": 6, "amount": None}


def test_an_amount_for_each_payment_is_read_in_minor_units(post):
    form, valid = post(PaymentsForm, [("method", "amount"), ("count", "x"), ("amount", "$40.50")], "USD")
    assert valid
    assert form.answer() == {"method": "amount", "count": None, "amount": 4050}


def test_without_a_method_only_the_method_is_asked_about(post):
    form, valid = post(PaymentsForm, [("count", "many"), ("amount", "lots")], "USD")
    assert not valid
    assert form.error_summary() == [("method-0", "Choose how you want to set the payments")]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter how many payments you want to make"),
        ("six", WHOLE_NUMBER),
        ("0", WHOLE_NUMBER),
        ("2.5", WHOLE_NUMBER),
        ("12345", WHOLE_NUMBER),
    ],
)
def test_a_number_of_payments_that_is_not_one_is_refused_at_its_box(post, typed, message):
    form, valid = post(PaymentsForm, [("method", "count"), ("count", typed)], "USD")
    assert not valid
    assert form.error_summary() == [("count", message)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("forty", "Enter an amount using numbers, for example 25.00"),
        ("0", "Enter an amount more than zero"),
    ],
)
def test_an_amount_that_is_not_one_is_refused_at_its_box(post, typed, message):
    form, valid = post(PaymentsForm, [("method", "amount"), ("amount", typed)], "USD")
    assert not valid
    assert form.error_summary() == [("amount", message)]


def test_what_was_typed_in_both_boxes_comes_back_after_an_error(post):
    form, _valid = post(PaymentsForm, [("method", "count"), ("count", "six"), ("amount", "12.00")], "USD")
    assert (form.method.data, form.count.shown(), form.amount.shown()) == ("count", "six", "12.00")


def test_saved_answers_come_back_when_the_page_is_visited_again(forms_app):
    with forms_app.test_request_context("/"):
        form = PaymentsForm("USD", method="amount", count="", amount="400.00")
        assert [checked for *_rest, checked in form.method.options()] == [False, True]
        assert (form.count.shown(), form.amount.shown()) == ("", "400.00")


def test_a_limit_found_by_the_page_is_shown_at_the_box_chosen(post):
    form, valid = post(PaymentsForm, [("method", "count"), ("count", "900")], "USD")
    assert valid
    form.add_error(form[form.answer()["method"]], "A plan can have at most 24 payments.")
    assert form.error_summary() == [("count", "A plan can have at most 24 payments.")]


# --- The first payment -------------------------------------------------------------------------


def _date(day, month, year):
    return [("first-day", day), ("first-month", month), ("first-year", year)]


def test_the_first_payment_date_is_read(post):
    form, valid = post(FirstDateForm, _date("15", "4", "2027"))
    assert valid and form.first.data == date(2027, 4, 15)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of the first payment"),
        (("31", "2", "2027"), "The date of the first payment must be a real date"),
        (("15", "April", "2027"), NOT_NUMBERS),
        (("15", "", "2027"), NOT_NUMBERS),
    ],
)
def test_a_first_payment_date_that_is_not_one_is_refused_at_the_day_box(post, parts, message):
    form, valid = post(FirstDateForm, _date(*parts))
    assert not valid
    assert form.error_summary() == [("first-month", message)]
    assert [form.first.shown(part) for part in ("day", "month", "year")] == list(parts)


def test_the_saved_first_date_comes_back_in_its_boxes(forms_app):
    with forms_app.test_request_context("/"):
        form = FirstDateForm(first=date(2027, 4, 15))
        assert [form.first.shown(part) for part in ("day", "month", "year")] == ["15", "4", "2027"]


def test_the_first_payment_amount_is_read_in_minor_units(post):
    form, valid = post(DownPaymentForm, [("down_payment", "150")], "USD")
    assert valid and form.down_payment.data == 15000


def test_a_missing_first_payment_amount_is_refused_and_what_was_typed_kept(post):
    form, valid = post(DownPaymentForm, [("down_payment", "")], "USD")
    assert not valid and form.error_summary() == [("down_payment", "Enter an amount")]
    form, valid = post(DownPaymentForm, [("down_payment", "1,5,0")], "USD")
    assert not valid and form.down_payment.shown() == "1,5,0"


def test_the_saved_first_payment_amount_comes_back(forms_app):
    with forms_app.test_request_context("/"):
        assert DownPaymentForm("USD", down_payment="150.00").down_payment.shown() == "150.00"


# --- Agreeing ----------------------------------------------------------------------------------


def test_the_ticked_consent_and_this_visits_setup_intent_are_read(post):
    form, valid = post(AgreeForm, [("consent", "yes"), ("setup_intent", " seti_1 ")], setup="seti_1")
    assert valid
    assert form.consent.data is True and form.setup_intent.data == "seti_1"


@pytest.mark.parametrize("pairs", [[("setup_intent", "seti_1")], [], [("consent", "no")]])
def test_an_unticked_box_is_the_only_error_even_without_a_card(post, pairs):
    form, valid = post(AgreeForm, pairs, setup="seti_1")
    assert not valid
    assert form.error_summary() == [("consent", TICK)]
    assert form.consent.data is False


@pytest.mark.parametrize(("posted", "setup"), [("", "seti_1"), ("seti_other", "seti_1"), ("seti_1", None)])
def test_a_setup_intent_not_from_this_visit_is_refused_at_the_card(post, posted, setup):
    form, valid = post(AgreeForm, [("consent", "yes"), ("setup_intent", posted)], setup=setup)
    assert not valid
    assert form.error_summary() == [("card-element", NO_CARD)]
    assert form.consent.data is True  # the box stays ticked for the next try


def test_a_declined_card_is_shown_at_the_card(post):
    form, valid = post(AgreeForm, [("consent", "yes"), ("setup_intent", "seti_1")], setup="seti_1")
    assert valid
    form.add_error(form.setup_intent, "Your card was declined.")
    assert form.error_summary() == [("card-element", "Your card was declined.")]


def test_a_stale_agree_form_says_so_at_the_consent_box(forms_app):
    forms_app.config["WTF_CSRF_ENABLED"] = True
    with forms_app.test_request_context("/", method="POST"):
        session[SETUP_SESSION_KEY] = "seti_1"
        form = AgreeForm(
            formdata=MultiDict({"csrf_token": "stale", "consent": "yes", "setup_intent": "seti_1"})
        )
        assert not form.validate_on_submit()
        assert form.error_summary() == [("consent", "Something went wrong with the form. Please try again.")]
    with forms_app.test_request_context("/", method="POST"):
        session[SETUP_SESSION_KEY] = "seti_1"
        data = {"csrf_token": generate_csrf(), "consent": "yes", "setup_intent": "seti_1"}
        assert AgreeForm(formdata=MultiDict(data)).validate_on_submit()


def test_the_consent_box_renders_ticked_with_the_wording_given(forms_app):
    with forms_app.test_request_context("/", method="POST"):
        form = AgreeForm(formdata=MultiDict({"consent": "yes"}))
        form.validate()
        source = (
            '{% from "macros/fields.html" import checkbox %}{{ checkbox(form.consent, label_text=label) }}'
        )
        html = render_template_string(source, form=form, label="I agree")
    assert 'id="consent" name="consent" value="yes" checked' in html
    assert '<label class="checkboxes__label" for="consent">I agree</label>' in html


def test_a_new_card_for_a_plan_must_come_from_this_visit(post):
    _form, valid = post(ChangeCardForm, [("setup_intent", "seti_1")], setup="seti_1")
    assert valid
    form, valid = post(ChangeCardForm, [("setup_intent", "seti_2")], setup="seti_1")
    assert not valid and form.error_summary() == [("card-element", NO_CARD)]
