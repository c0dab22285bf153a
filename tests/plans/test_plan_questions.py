"""The plan builder's questions, one a page, through the test client: how often, how the payments
are set, the first payment's date and (when the creditor asks for one) its amount; each answer
kept in the plan's draft, checked against the policy as far as the answers so far allow, and
shown on the check page with a link to change it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.domain.locale_dates import example_date
from portal.extensions import db
from portal.models import Draft
from tests.helpers.plan_pages import (
    agree_plan,
    change_policy,
    check_page,
    choose_plan,
    error_summary,
    events,
    field_error,
    links,
    long_date,
    page_text,
    plan_draft,
    plans_for,
    schedule_rows,
    title,
)
from tests.helpers.plans import make_plan

BALANCE = 106025  # make_account's default: 1,000.00 + 50.25 interest + 10.00 fees

HOW_OFTEN = "/plan/new"
PAYMENTS = "/plan/new/payments"
FIRST_DATE = "/plan/new/first-payment-date"
FIRST_AMOUNT = "/plan/new/first-payment-amount"
REVIEW = "/plan/review"


def _first_date_example() -> str:
    """The example in the first-date messages: inside the policy's 30 days, month first."""
    example = example_date(_today(), _today() + timedelta(days=30))
    return f"{example.month} {example.day} {example.year}"


def _today() -> date:
    from portal import clock

    return clock.today()


def _date_form(day: date) -> dict[str, str]:
    return {"first-day": str(day.day), "first-month": str(day.month), "first-year": str(day.year)}


def _back(page: str) -> str:
    (url,) = re.findall(r'<a href="([^"]+)">Back</a>', page)
    return url


def _check_rows(page: str) -> list[tuple[str, str, str]]:
    """(question, answer, change link) for each row of the check page's answers."""
    rows = re.findall(
        r'<dt class="check-answers__question">(.*?)</dt>\s*<dd class="check-answers__answer">(.*?)</dd>'
        r'\s*<dd class="check-answers__change"><a href="([^"]+)">',
        page,
        re.S,
    )
    return [(page_text(q), page_text(a), url) for q, a, url in rows]


def _redirected(response, location: str) -> None:
    assert response.status_code == 303, response.text[:500]
    assert response.headers["Location"] == location


def _signed_in(app, issue_link, account):
    """Another browser, signed in as *account*."""
    other = app.test_client()
    other.get(issue_link(account))
    dob = account.debtor.date_of_birth
    verified = other.post(
        "/verify", data={"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
    )
    assert verified.status_code == 303
    return other


# --- One question a page, in turn ----------------------------------------------------------------


def test_each_question_has_its_own_page_and_leads_to_the_next_then_the_check_page(account, client):
    first = _today() + timedelta(days=4)

    how_often = client.get(HOW_OFTEN)
    assert check_page(how_often.text) == "How often do you want to pay?"
    assert _back(how_often.text) == "/options"
    text = page_text(how_often.text)
    assert "You owe $1,060.25. It often helps to pay just after you get paid." in text
    assert "/offer/new" in links(how_often.text), "Propose your own plan"
    assert re.findall(r'name="frequency" value="([^"]+)"', how_often.text) == [
        "weekly",
        "every_two_weeks",
        "monthly",
    ]
    _redirected(client.post(HOW_OFTEN, data={"frequency": "monthly"}), PAYMENTS)

    payments = client.get(PAYMENTS)
    assert check_page(payments.text) == "How do you want to set the payments?"
    assert _back(payments.text) == HOW_OFTEN
    text = page_text(payments.text)
    assert "Each payment must be at least $25.00. You can make up to 24 payments." in text
    assert "What if I cannot make a payment?" in text
    _redirected(client.post(PAYMENTS, data={"method": "count", "count": "3"}), FIRST_DATE)

    first_date = client.get(FIRST_DATE)
    assert check_page(first_date.text) == "When do you want to make the first payment?"
    assert _back(first_date.text) == PAYMENTS
    latest = long_date(_today() + timedelta(days=30))
    # The example lies inside the range and is written month first, as a US reader writes dates.
    example = example_date(_today(), _today() + timedelta(days=30))
    shown = f"{example.month} {example.day} {example.year}"
    assert f"Any day from today up to {latest}. For example, {shown}." in page_text(first_date.text)
    _redirected(client.post(FIRST_DATE, data=_date_form(first)), REVIEW)

    assert plan_draft(account) == {
        "frequency": "monthly",
        "method": "count",
        "count": 3,
        "amount": None,
        "first_date": first.isoformat(),
    }
    review = client.get(REVIEW)
    assert check_page(review.text) == "Check your payment plan"
    assert _check_rows(review.text) == [
        ("How often", "Every month", HOW_OFTEN),
        ("Payments", "3 payments", PAYMENTS),
        ("First payment date", long_date(first), FIRST_DATE),
    ]
    assert [day for _, day, _ in schedule_rows(review.text)][0] == long_date(first)


def test_a_question_opened_before_the_ones_it_needs_sends_to_the_first_unanswered(account, client):
    for path in (PAYMENTS, FIRST_DATE, FIRST_AMOUNT, REVIEW):
        _redirected(client.get(path), HOW_OFTEN)
        _redirected(client.post(path, data={"method": "count", "count": "3"}), HOW_OFTEN)
    assert plan_draft(account) is None

    client.post(HOW_OFTEN, data={"frequency": "weekly"})
    _redirected(client.get(FIRST_DATE), PAYMENTS)
    _redirected(client.get(REVIEW), PAYMENTS)
    client.post(PAYMENTS, data={"method": "amount", "amount": "100"})
    _redirected(client.get(REVIEW), FIRST_DATE)


def test_the_first_payment_amount_is_not_asked_when_the_policy_does_not_ask_for_one(account, client):
    _redirected(client.get(FIRST_AMOUNT), HOW_OFTEN)
    choose_plan(client, frequency="weekly", count=3, first=_today())

    _redirected(client.get(FIRST_AMOUNT), REVIEW)
    _redirected(client.post(FIRST_AMOUNT, data={"down_payment": "200"}), REVIEW)
    assert "down_payment" not in plan_draft(account)


@pytest.mark.parametrize(
    ("before", "path", "form", "field", "message"),
    [
        ({}, HOW_OFTEN, {}, "frequency-0", "Choose how often you want to pay"),
        ({}, HOW_OFTEN, {"frequency": "daily"}, "frequency-0", "Choose how often you want to pay"),
        ({"count": None}, PAYMENTS, {}, "method-0", "Choose how you want to set the payments"),
        ({"count": None}, PAYMENTS, {"count": "3"}, "method-0", "Choose how you want to set the payments"),
        ({"count": None}, PAYMENTS, {"method": "count"}, "count", "Enter how many payments you want to make"),
        (
            {"count": None},
            PAYMENTS,
            {"method": "count", "count": "six"},
            "count",
            "Enter the number of payments as a whole number, for example 6",
        ),
        ({"count": None}, PAYMENTS, {"method": "amount", "amount": ""}, "amount", "Enter an amount"),
        (
            {"count": None},
            PAYMENTS,
            {"method": "amount", "amount": "lots"},
            "amount",
            "Enter an amount using numbers, for example 25.00",
        ),
        ({"count": 3}, FIRST_DATE, {}, "first-month", "Enter the date of the first payment"),
        (
            {"count": 3},
            FIRST_DATE,
            {"first-day": "30", "first-month": "2", "first-year": "2030"},
            "first-month",
            "The date of the first payment must be a real date",
        ),
        (
            {"count": 3},
            FIRST_DATE,
            {"first-day": "1" * 30, "first-month": "2", "first-year": "2030"},
            "first-month",
            "The date of the first payment must be a real date",
        ),
        (
            {"count": 3},
            FIRST_DATE,
            {"first-day": "\u19da", "first-month": "2", "first-year": "2030"},
            "first-month",
            "Enter the date using numbers, for example " + _first_date_example(),
        ),
        (
            {"count": None},
            PAYMENTS,
            {"method": "count", "count": "²"},
            "count",
            "Enter the number of payments as a whole number, for example 6",
        ),
        (
            {"count": None},
            PAYMENTS,
            {"method": "amount", "amount": "1" * 5000},
            "amount",
            "Enter an amount using numbers, for example 25.00",
        ),
    ],
    ids=[
        "how-often",
        "how-often-unknown",
        "method",
        "count-without-method",
        "count",
        "count-not-a-number",
        "amount",
        "amount-not-a-number",
        "first-date",
        "first-date-not-real",
        "first-date-day-of-thirty-ones",
        "first-date-digit-int-refuses",
        "count-superscript",
        "amount-of-five-thousand-digits",
    ],
)
def test_a_missing_or_unreadable_answer_is_named_beside_its_field(
    account, client, before, path, form, field, message
):
    choose_plan(client, frequency="weekly", **before)
    saved = plan_draft(account)

    response = client.post(path, data=form)

    assert response.status_code == 400
    assert title(response.text).startswith("Error:")
    check_page(response.text)
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert re.search(rf'<input[^>]*\bid="{field}"', response.text), f"the summary links to #{field}"
    assert plan_draft(account) == saved, "a refused answer is not kept"


def test_each_question_shows_the_saved_answer_again(account, client):
    first = _today() + timedelta(days=3)
    choose_plan(client, frequency="every_two_weeks", amount="400", first=first)

    how_often = client.get(HOW_OFTEN).text
    payments = client.get(PAYMENTS).text
    first_date = client.get(FIRST_DATE).text

    assert re.findall(r'value="([^"]+)" checked', how_often) == ["every_two_weeks"]
    assert re.findall(r'value="([^"]+)" checked', payments) == ["amount"]
    assert re.search(r'id="amount" name="amount" type="text" value="400.00"', payments)
    assert re.search(r'id="count" name="count" type="text" value=""', payments)
    for part, value in (("day", first.day), ("month", first.month), ("year", first.year)):
        assert re.search(
            # The kit's date boxes break the tag's attributes over two lines.
            rf'id="first-{part}" name="first-{part}" type="text"\s+inputmode="numeric" value="{value}"',
            first_date,
        )
    assert "There is a problem" not in how_often + payments + first_date


def test_a_change_link_on_the_check_page_comes_back_to_it_after_saving(account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    rows = _check_rows(client.get(REVIEW).text)
    change = {question: url for question, _, url in rows}

    assert check_page(client.get(change["Payments"]).text) == "How do you want to set the payments?"
    _redirected(client.post(change["Payments"], data={"method": "count", "count": "4"}), REVIEW)
    _redirected(client.post(change["How often"], data={"frequency": "every_two_weeks"}), REVIEW)

    review = client.get(REVIEW).text
    assert ("How often", "Every two weeks", HOW_OFTEN) in _check_rows(review)
    assert ("Payments", "4 payments", PAYMENTS) in _check_rows(review)
    days = [day for _, day, _ in schedule_rows(review)]
    assert days == [long_date(_today() + timedelta(days=14 * n)) for n in range(4)]


def test_payments_by_amount_are_shown_as_the_amount_each_time(account, client):
    choose_plan(client, frequency="monthly", amount="400", first=_today())

    rows = _check_rows(client.get(REVIEW).text)

    assert ("Payments", "$400.00 each time", PAYMENTS) in rows


# --- Policy limits, checked as each answer is given ----------------------------------------------


@pytest.mark.parametrize(
    ("choice", "path", "field", "message"),
    [
        ({"count": 25}, PAYMENTS, "count", "A plan can have at most 24 payments."),
        ({"amount": "20.00"}, PAYMENTS, "amount", "Each payment must be at least $25.00."),
        ({"amount": "40.00"}, PAYMENTS, "amount", "A plan can have at most 24 payments."),
        (
            {"count": 3, "first": 31},
            FIRST_DATE,
            "first-month",
            "The first payment must be within 30 days from today.",
        ),
        ({"count": 3, "first": -1}, FIRST_DATE, "first-month", "The first payment cannot be in the past."),
    ],
    ids=["too-many-payments", "below-minimum", "amount-too-small-for-24", "first-too-late", "first-in-past"],
)
def test_an_answer_outside_the_default_policy_is_refused_on_its_page_naming_the_limit(
    account, client, choice, path, field, message
):
    choice = dict(choice)
    first = _today() + timedelta(days=choice.pop("first", 0))

    response = choose_plan(client, frequency="weekly", first=first, **choice)

    assert response.status_code == 400
    assert response.request.path == path
    assert title(response.text).startswith("Error:")
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert "you can tell us what you can pay. Propose your own plan" in page_text(response.text)
    assert "/offer/new" in links(response.text)
    assert set(plan_draft(account)) <= {"frequency", "method", "count", "amount"}


def test_the_limits_named_are_the_creditors_current_ones(account, client):
    change_policy(account, instalment_minimum=5000, max_instalments=12, first_payment_within_days=10)
    client.post(HOW_OFTEN, data={"frequency": "weekly"})

    payments = page_text(client.get(PAYMENTS).text)
    fewer = choose_plan(client, count=13, first=_today())
    smaller = choose_plan(client, count=12, first=_today())  # 1,060.25 / 12 = 88.35: fine
    late = choose_plan(client, count=3, first=_today() + timedelta(days=11))
    below = choose_plan(client, amount="49.99", first=_today())

    assert "Each payment must be at least $50.00. You can make up to 12 payments." in payments
    assert error_summary(fewer.text) == {"count": "A plan can have at most 12 payments."}
    _redirected(smaller, REVIEW)
    assert error_summary(late.text) == {"first-month": "The first payment must be within 10 days from today."}
    assert error_summary(below.text) == {"amount": "Each payment must be at least $50.00."}


def test_below_the_instalment_minimum_by_count_is_refused_on_the_count(make_account, sign_in, client):
    sign_in(make_account(principal=10000, interest=0, fees=0))  # 100.00: five payments would be 20.00

    response = choose_plan(client, count=5, first=_today())

    assert response.status_code == 400
    assert error_summary(response.text) == {"count": "Each payment must be at least $25.00."}


def test_the_payments_are_checked_with_the_saved_frequency_and_today_as_the_first_date(account, client):
    change_policy(account, max_duration_days=100)

    monthly = choose_plan(client, frequency="monthly", count=5)  # the last payment 4 months from today
    weekly = choose_plan(client, frequency="weekly", count=5)

    assert monthly.request.path == PAYMENTS
    assert error_summary(monthly.text) == {"count": "A plan can last at most 100 days."}
    _redirected(weekly, FIRST_DATE)


def test_the_first_date_is_checked_with_the_saved_answers(account, client):
    change_policy(account, max_duration_days=100)
    choose_plan(client, frequency="weekly", count=13)  # 12 weeks after the first payment: 84 days

    later = client.post(FIRST_DATE, data=_date_form(_today() + timedelta(days=20)))
    sooner = client.post(FIRST_DATE, data=_date_form(_today() + timedelta(days=16)))

    assert later.status_code == 400
    assert error_summary(later.text) == {"first-month": "A plan can last at most 100 days."}
    _redirected(sooner, REVIEW)


def test_a_frequency_the_policy_no_longer_allows_is_refused(account, client):
    change_policy(account, frequencies=["monthly"])

    builder = client.get(HOW_OFTEN).text
    response = choose_plan(client, frequency="weekly", count=3, first=_today())

    assert re.findall(r'name="frequency" value="([^"]+)"', builder) == ["monthly"]
    assert response.status_code == 400 and response.request.path == HOW_OFTEN
    assert error_summary(response.text) == {"frequency-0": "Choose how often you want to pay"}
    assert plan_draft(account) is None


# --- The check page when the answers no longer fit -------------------------------------------------


def test_a_first_date_that_has_passed_sends_the_debtor_to_that_question_with_the_reason(app, account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    app.config["CLOCK_OFFSET_DAYS"] = 2  # two days later

    _redirected(client.get(REVIEW), FIRST_DATE)
    _redirected(client.post(REVIEW, data={"consent": "yes", "setup_intent": "seti_x"}), FIRST_DATE)
    shown = client.get(FIRST_DATE)

    assert shown.status_code == 200
    assert title(shown.text).startswith("Error:")
    assert error_summary(shown.text) == {"first-month": "The first payment cannot be in the past."}
    assert field_error(shown.text, "first-month") == "The first payment cannot be in the past."
    _redirected(client.post(FIRST_DATE, data=_date_form(_today())), REVIEW)
    assert client.get(REVIEW).status_code == 200
    assert plans_for(account) == []


def test_payments_the_new_policy_refuses_send_the_debtor_to_the_payments_with_the_reason(account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    change_policy(account, max_instalments=2)

    _redirected(client.get(REVIEW), PAYMENTS)
    shown = client.get(PAYMENTS)

    assert error_summary(shown.text) == {"count": "A plan can have at most 2 payments."}
    assert re.search(r'id="count" name="count" type="text" value="3"', shown.text)
    _redirected(client.post(PAYMENTS, data={"method": "count", "count": "2"}), REVIEW)
    assert len(schedule_rows(client.get(REVIEW).text)) == 2


def test_a_frequency_the_policy_stopped_allowing_sends_the_debtor_to_the_first_question(account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    change_policy(account, frequencies=["monthly"])

    _redirected(client.get(REVIEW), HOW_OFTEN)
    shown = client.get(HOW_OFTEN)

    assert shown.status_code == 200
    assert error_summary(shown.text) == {"frequency-0": "Choose one of the ways to pay shown."}
    _redirected(client.post(HOW_OFTEN, data={"frequency": "monthly"}), REVIEW)


def test_answers_that_cannot_be_read_start_the_builder_again_rather_than_fail(account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    draft = db.session.scalars(db.select(Draft).where(Draft.account_id == account.id)).one()
    draft.answers = {**draft.answers, "first_date": "someday"}
    db.session.commit()

    _redirected(client.get(REVIEW), HOW_OFTEN)
    assert plan_draft(account) is None


# --- Guards, drafts per account, and sending ---------------------------------------------------------


def test_no_question_is_asked_while_a_plan_is_running(account, client, localstripe):
    choose_plan(client, frequency="weekly", count=3)
    make_plan(localstripe, account, first=_today() + timedelta(days=5))

    for path in (HOW_OFTEN, PAYMENTS, FIRST_DATE, FIRST_AMOUNT, REVIEW):
        _redirected(client.get(path), "/options")
        _redirected(client.post(path, data={"frequency": "weekly"}), "/options")


def test_a_stale_form_changes_nothing_on_every_question(app, account, client):
    choose_plan(client, frequency="weekly", count=3, first=_today())
    saved = plan_draft(account)
    app.config["WTF_CSRF_ENABLED"] = True

    for path, form in (
        (HOW_OFTEN, {"frequency": "monthly"}),
        (PAYMENTS, {"method": "count", "count": "4"}),
        (FIRST_DATE, _date_form(_today() + timedelta(days=1))),
    ):
        response = client.post(path, data={**form, "csrf_token": "stale"})
        assert response.status_code == 400, path
        assert check_page(response.text) == "This page timed out"
    assert plan_draft(account) == saved


def test_drafts_are_kept_per_account(app, account, client, make_account, issue_link):
    choose_plan(client, frequency="monthly", count=3, first=_today())
    other = make_account(reference="ACC-2", email="other@example.com")
    second = _signed_in(app, issue_link, other)

    assert "checked" not in second.get(HOW_OFTEN).text
    _redirected(second.get(REVIEW), HOW_OFTEN)
    second.post(HOW_OFTEN, data={"frequency": "weekly"})

    assert plan_draft(other) == {"frequency": "weekly"}
    assert plan_draft(account)["frequency"] == "monthly"


def test_agreeing_sets_up_the_plan_and_clears_the_draft(account, client, localstripe):
    review, agreed = agree_plan(
        client, localstripe, frequency="weekly", count=3, first=_today() + timedelta(days=3)
    )

    _redirected(agreed, "/plan/confirmed")
    (plan,) = plans_for(account)
    assert [(i.number, long_date(i.due_date)) for i in plan.instalments] == [
        (n, day) for n, day, _ in schedule_rows(review)
    ]
    (agreed_event,) = events(account, "plan_agreed")
    assert agreed_event.data["instalments"] == 3 and agreed_event.data["frequency"] == "weekly"
    assert plan_draft(account) is None
    assert db.session.scalars(db.select(Draft).where(Draft.account_id == account.id)).all() == []


def test_a_choice_handed_over_by_the_affordability_check_becomes_the_answers(account, client):
    first = _today() + timedelta(days=5)
    with client.session_transaction() as session:
        session["plan_choice"] = {
            "frequency": "monthly",
            "first_date": first.isoformat(),
            "count": 2,
            "amount": None,
            "down_payment": 0,
        }

    review = client.get(REVIEW)

    assert review.status_code == 200
    assert [amount for _, _, amount in schedule_rows(review.text)] == ["$530.12", "$530.13"]
    with client.session_transaction() as session:
        assert "plan_choice" not in session
    assert plan_draft(account) == {
        "frequency": "monthly",
        "method": "count",
        "count": 2,
        "amount": None,
        "first_date": first.isoformat(),
    }


# --- A creditor that asks for a first payment ------------------------------------------------------


@pytest.fixture
def down_payment_policy(account):
    return change_policy(account, down_payment_required=True, down_payment_minimum=10000)


def test_the_first_payment_amount_is_asked_after_the_date_when_the_policy_asks_for_one(
    account, client, down_payment_policy
):
    _redirected(choose_plan(client, frequency="monthly", count=3, first=_today()), FIRST_AMOUNT)
    _redirected(client.get(REVIEW), FIRST_AMOUNT)

    page = client.get(FIRST_AMOUNT)
    assert check_page(page.text) == "How much do you want to pay as your first payment?"
    assert _back(page.text) == FIRST_DATE
    assert "This plan starts with a larger first payment of at least $100.00." in page_text(page.text)
    _redirected(client.post(FIRST_AMOUNT, data={"down_payment": "160.25"}), REVIEW)

    review = client.get(REVIEW).text
    assert ("First payment amount", "$160.25", FIRST_AMOUNT) in _check_rows(review)
    assert [amount for _, _, amount in schedule_rows(review)] == ["$160.25", "$300.00", "$300.00", "$300.00"]
    assert re.search(
        r'id="down_payment" name="down_payment" type="text" value="160.25"', client.get(FIRST_AMOUNT).text
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter an amount"),
        ("99.99", "This plan needs a first payment of at least $100.00."),
        ("1060.25", "The first payment must be less than the whole amount."),
        ("1000", "Each payment must be at least $25.00."),  # the 60.25 left, in 3 payments
    ],
    ids=["missing", "below-minimum", "whole-amount", "leaves-too-little"],
)
def test_a_first_payment_amount_outside_the_policy_is_refused_naming_the_limit(
    account, client, down_payment_policy, amount, message
):
    choose_plan(client, frequency="monthly", count=3, first=_today())

    response = client.post(FIRST_AMOUNT, data={"down_payment": amount})

    assert response.status_code == 400
    assert error_summary(response.text) == {"down_payment": message}
    assert field_error(response.text, "down_payment") == message
    assert "down_payment" not in plan_draft(account)


def test_the_payments_are_checked_with_the_smallest_first_payment(account, client, down_payment_policy):
    # 24 payments are allowed, but with the first payment on top they would be 25.
    response = choose_plan(client, frequency="weekly", count=24)

    assert response.request.path == PAYMENTS
    assert error_summary(response.text) == {"count": "A plan can have at most 24 payments."}


def test_agreeing_with_a_first_payment_saves_it_as_the_first_instalment(
    account, client, localstripe, down_payment_policy
):
    first = _today() + timedelta(days=3)
    _review, agreed = agree_plan(
        client, localstripe, frequency="monthly", count=3, first=first, down_payment="160.25"
    )

    _redirected(agreed, "/plan/confirmed")
    (plan,) = plans_for(account)
    assert [i.amount for i in plan.instalments] == [16025, 30000, 30000, 30000]
    assert plan.instalments[0].due_date == first
    assert plan_draft(account) is None


def test_a_policy_that_starts_asking_for_a_first_payment_asks_it_before_the_check(account, client):
    choose_plan(client, frequency="monthly", count=3, first=_today())
    change_policy(account, down_payment_required=True, down_payment_minimum=10000)

    _redirected(client.get(REVIEW), FIRST_AMOUNT)
    assert _back(client.get(FIRST_AMOUNT).text) == FIRST_DATE
