"""The payment pages' forms on their own, in a request: the part payment's amount and the card
a one-off payment posts back (the SetupIntent this visit was given)."""

from __future__ import annotations

import pytest
from flask import Flask, session
from flask_babel import Babel
from werkzeug.datastructures import MultiDict

from portal.payments import card_setup
from portal.payments.forms import CardForm, PartAmountForm


@pytest.fixture
def post():
    """post(FormClass, pairs, *args, setup=None): the form read from a POST of *pairs*, validated,
    with *setup* as this visit's one-off SetupIntent; returns (form, whether it was valid)."""
    app = Flask("payment_forms")
    app.config.update(SECRET_KEY="payment form tests", WTF_CSRF_ENABLED=False, TESTING=True)
    Babel(app)
    contexts = []

    def posted(form_class, pairs, *args, setup=None):
        context = app.test_request_context("/", method="POST")
        context.push()
        contexts.append(context)
        if setup is not None:
            session[card_setup.SESSION_KEY] = setup
        form = form_class(*args, formdata=MultiDict(pairs))
        return form, form.validate_on_submit()

    yield posted
    for context in reversed(contexts):
        context.pop()


def test_the_part_amount_is_read_in_minor_units(post):
    form, valid = post(PartAmountForm, [("amount", "50.00")], "USD")
    assert valid and form.amount.data == 5000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("fifty", "Enter an amount using numbers, for example 25.00"),
        ("-5", "Enter an amount using numbers, for example 25.00"),
        ("0.00", "Enter an amount more than zero"),
        ("99999999999", "That amount is too large. Check the number and try again."),
    ],
)
def test_a_part_amount_that_is_not_one_is_refused_at_its_box(post, typed, message):
    form, valid = post(PartAmountForm, [("amount", typed)], "USD")
    assert not valid and form.error_summary() == [("amount", message)]


def test_the_part_amount_page_starts_empty_again_after_an_error(post):
    # As it always has: the amount is asked again rather than shown back.
    form, _valid = post(PartAmountForm, [("amount", "fifty")], "USD")
    assert form.amount.shown() == ""


def test_a_limit_found_by_the_page_is_shown_at_the_amount(post):
    form, valid = post(PartAmountForm, [("amount", "1.00")], "USD")
    assert valid
    form.add_error(form.amount, "The smallest amount you can pay now is $10.00.")
    assert form.error_summary() == [("amount", "The smallest amount you can pay now is $10.00.")]


def test_the_card_is_read_from_this_visits_setup_intent(post):
    form, valid = post(CardForm, [("setup_intent", "seti_1 ")], setup="seti_1")
    assert valid and form.setup_intent.data == "seti_1"


@pytest.mark.parametrize(("posted", "setup"), [("", "seti_1"), ("seti_2", "seti_1"), ("seti_1", None)])
def test_a_card_not_saved_in_this_visits_setup_intent_is_refused_at_the_card(post, posted, setup):
    form, valid = post(CardForm, [("setup_intent", posted)], setup=setup)
    assert not valid and form.error_summary() == [("card-element", "Enter your card details")]


def test_a_plans_setup_intent_does_not_pay_a_one_off_payment(post):
    # The plan pages keep theirs under another key: a card saved for a plan is not this one.
    _form, _ = post(CardForm, [], setup=None)
    session["setup_intent"] = "seti_plan"
    form = CardForm(formdata=MultiDict({"setup_intent": "seti_plan"}))
    assert not form.validate_on_submit()
