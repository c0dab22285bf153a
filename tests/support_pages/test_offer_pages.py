"""The debtor's own offer asked one question a page: each answer checked on its own page, kept in a
draft on the server, shown again, changed from the check page, and sent from there."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.domain.locale_dates import example_date
from portal.extensions import db
from portal.models import AccountStatus, Draft, OfferStatus
from portal.models.types import utcnow
from portal.offers.questions import RUN
from tests.helpers.plan_pages import (
    check_page,
    error_summary,
    events,
    field_error,
    links,
    long_date,
    page_text,
    title,
)
from tests.helpers.plans import make_plan
from tests.support_pages.helpers import OFFER_PAGES, date_form, offers_for, propose

CHECK = "/offer/new/check"
ALL_PAGES = (*OFFER_PAGES, CHECK)


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    sign_in(account)
    return account


def _draft(account) -> Draft | None:
    db.session.expire_all()
    return db.session.scalars(
        select(Draft).where(Draft.account_id == account.id, Draft.run == "own_offer")
    ).first()


def _answer_all(client, *, amount="40.50", frequency="every_two_weeks", start=None, note="Paid on Fridays"):
    """Answer every question (without sending), checking each page moves on to the next."""
    start = start or _today() + timedelta(days=10)
    forms = ({"amount": amount}, {"frequency": frequency}, date_form("start", start), {"note": note})
    for path, data, then in zip(OFFER_PAGES, forms, (*OFFER_PAGES[1:], CHECK), strict=True):
        response = client.post(path, data=data)
        assert response.status_code == 303 and response.headers["Location"] == then, (path, response.text)
    return start


def _check_rows(page: str) -> dict[str, str]:
    return {
        page_text(question): page_text(answer)
        for question, answer in re.findall(
            r'<dt class="check-answers__question">(.*?)</dt>\s*<dd class="check-answers__answer">(.*?)</dd>',
            page,
            re.S,
        )
    }


def _back(page: str) -> str:
    match = re.search(r'<p class="no-print"><a href="([^"]+)">Back</a></p>', page)
    assert match, "no back link"
    return match.group(1)


# --- One question a page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "question", "back", "step"),
    [
        ("/offer/new", "How much can you pay each time?", "/options", "Step 1 of 8: How much"),
        ("/offer/new/how-often", "How often can you pay?", "/offer/new", "Step 2 of 8: How often"),
        (
            "/offer/new/first-payment-date",
            "When could you make the first payment?",
            "/offer/new/how-often",
            "Step 3 of 8: Your first payment",
        ),
        (
            "/offer/new/note",
            "Anything you want us to know (optional)",
            "/offer/new/first-payment-date",
            "Step 4 of 8: Anything else",
        ),
    ],
)
def test_each_page_asks_one_question_with_a_hint_a_back_link_and_its_step(
    account, client, path, question, back, step
):
    client.get("/offer/new")  # where the journey starts

    page = client.get(path)

    assert page.status_code == 200
    assert check_page(page.text) == question
    # The question itself is the heading: a label or a fieldset's legend inside the h1.
    assert re.search(
        r'<h1 class="label-heading"><label|<legend class="legend legend--heading"><h1', page.text
    )
    assert 'class="hint"' in page.text
    assert _back(page.text) == back
    assert f'<p class="step-indicator">{step}</p>' in page.text
    assert re.search(r'<button type="submit" class="button">Continue</button>', page.text)


def test_the_first_page_says_what_is_owed_and_who_replies(account, client):
    text = page_text(client.get("/offer/new").text)
    assert "You owe $1,060.25. You can offer less than our usual plans. For example, 40.00" in text
    assert "A person will look at your offer and reply within 2 business days." in text


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/offer/new", "amount", "Enter an amount"),
        ("/offer/new/how-often", "frequency-0", "Choose how often you can pay"),
        ("/offer/new/first-payment-date", "start-month", "Enter the date of the first payment"),
    ],
)
def test_an_empty_answer_is_named_beside_its_field_and_nothing_is_saved(
    account, client, path, field, message
):
    response = client.post(path, data={})

    assert response.status_code == 400
    assert title(response.text).startswith("Error:")
    check_page(response.text)
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert re.search(rf'<input[^>]*\bid="{field}"', response.text)
    assert _draft(account) is None


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("/offer/new", {"amount": "0"}, "amount", "Enter an amount more than zero"),
        (
            "/offer/new",
            {"amount": "1.00"},
            "amount",
            "That amount would take too many payments. Enter a larger amount.",
        ),
        ("/offer/new/how-often", {"frequency": "daily"}, "frequency-0", "Choose how often you can pay"),
        (
            "/offer/new/first-payment-date",
            {"start-day": "31", "start-month": "2", "start-year": "2030"},
            "start-month",
            "Enter a real date, for example {example}",
        ),
        (
            "/offer/new/first-payment-date",
            {"start-day": "1" * 30, "start-month": "2", "start-year": "2030"},
            "start-month",
            "Enter a real date, for example {example}",
        ),
        (
            "/offer/new/first-payment-date",
            {"start-day": "1", "start-month": "1" * 30, "start-year": "2030"},
            "start-month",
            "Enter a real date, for example {example}",
        ),
    ],
    ids=[
        "zero",
        "too-many-payments",
        "not-a-choice",
        "not-a-date",
        "day-of-thirty-ones",
        "month-of-thirty-ones",
    ],
)
def test_each_page_checks_only_its_own_answer(account, client, path, data, field, message):
    # A date's example lies a week or so after today, month first as a US reader writes it.
    example = example_date(utcnow().date())
    message = message.format(example=f"{example.month} {example.day} {example.year}")
    response = client.post(path, data=data)

    assert response.status_code == 400
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert _draft(account) is None


def test_an_empty_note_is_an_answer(account, client):
    response = client.post("/offer/new/note", data={"note": "   "})

    assert response.status_code == 303
    assert response.headers["Location"] == "/offer/new"  # the first question still to answer
    assert RUN.answers(account) == {"note": ""}


# --- Answers kept, shown again and changed -----------------------------------------------------------


def test_saved_answers_are_shown_again_on_their_pages(account, client):
    start = _answer_all(client, note="Paid on Fridays\r\nThanks")

    assert RUN.answers(account) == {
        "amount": 4050,
        "frequency": "every_two_weeks",
        "start": start.isoformat(),
        "note": "Paid on Fridays\nThanks",
    }
    assert 'id="amount" name="amount" type="text" value="40.50"' in client.get("/offer/new").text
    assert 'value="every_two_weeks" checked' in client.get("/offer/new/how-often").text
    dated = client.get("/offer/new/first-payment-date").text
    for part, value in (("day", start.day), ("month", start.month), ("year", start.year)):
        assert re.search(rf'id="start-{part}"[^>]*value="{value}"', dated), part
    assert ">Paid on Fridays\nThanks</textarea>" in client.get("/offer/new/note").text


def test_the_check_page_shows_every_answer_with_a_link_to_change_it(account, client):
    start = _answer_all(client)

    page = client.get(CHECK)

    assert page.status_code == 200
    assert check_page(page.text) == "Check your offer before you send it"
    assert _check_rows(page.text) == {
        "Each payment": "$40.50",
        "How often": "Every two weeks",
        "First payment": long_date(start),
        "Your note": "Paid on Fridays",
    }
    assert set(OFFER_PAGES) <= links(page.text)
    assert _back(page.text) == "/offer/new/note"
    assert '<p class="step-indicator">Step 5 of 8: Check and send</p>' in page.text
    assert "We will send the numbers" not in page.text


def test_an_empty_note_shows_as_no_note(account, client):
    _answer_all(client, note="")
    assert _check_rows(client.get(CHECK).text)["Your note"] == "No note"


def test_a_change_from_the_check_page_comes_back_to_it(account, client):
    _answer_all(client)
    assert "/offer/new/how-often" in links(client.get(CHECK).text)

    changed = client.post("/offer/new/how-often", data={"frequency": "weekly"})

    assert changed.status_code == 303 and changed.headers["Location"] == CHECK
    assert _check_rows(client.get(CHECK).text)["How often"] == "Every week"
    assert RUN.answers(account)["amount"] == 4050  # the other answers are kept


def test_the_check_page_sends_the_debtor_to_the_first_question_not_answered(account, client):
    assert client.get(CHECK).headers["Location"] == "/offer/new"
    client.post("/offer/new", data={"amount": "40.00"})
    client.post("/offer/new/first-payment-date", data=date_form("start", _today() + timedelta(days=3)))
    client.post("/offer/new/note", data={"note": ""})

    shown = client.get(CHECK)
    sent = client.post(CHECK)

    assert shown.status_code == 303 and shown.headers["Location"] == "/offer/new/how-often"
    assert sent.status_code == 303 and sent.headers["Location"] == "/offer/new/how-often"
    assert offers_for(account) == []


def test_drafts_are_kept_per_account(make_account, sign_in, client):
    one = make_account(reference="ONE-1")
    two = make_account(reference="TWO-2")
    sign_in(one)
    client.post("/offer/new", data={"amount": "40.00"})

    sign_in(two)
    page = client.get("/offer/new").text

    assert 'id="amount" name="amount" type="text" value=""' in page
    assert client.get(CHECK).headers["Location"] == "/offer/new"
    assert RUN.answers(one) == {"amount": 4000}
    assert RUN.answers(two) == {}


# --- Sending -------------------------------------------------------------------------------------


def test_sending_makes_the_offer_records_it_and_forgets_the_draft(account, client):
    start = _answer_all(client)
    assert _draft(account) is not None

    sent = client.post(CHECK)

    assert sent.status_code == 303 and sent.headers["Location"] == "/offer"
    (offer,) = offers_for(account)
    assert (offer.status, offer.amount, offer.frequency, offer.start_date, offer.note) == (
        OfferStatus.PENDING,
        4050,
        "every_two_weeks",
        start,
        "Paid on Fridays",
    )
    assert offer.affordability is None
    (made,) = events(account, "offer_made")
    assert made.actor == "debtor"
    assert made.data == {
        "offer_id": offer.id,
        "amount": 4050,
        "frequency": "every_two_weeks",
        "start_date": start.isoformat(),
        "shared_affordability": False,
    }
    assert _draft(account) is None
    assert check_page(client.get("/offer").text) == "We have your offer"


def test_the_helper_walks_every_page_to_send_an_offer(account, client):
    response = propose(client, amount="25.00", frequency="weekly", start=_today() + timedelta(days=5))
    assert response.headers["Location"] == "/offer"
    assert [o.amount for o in offers_for(account)] == [2500]


def test_a_saved_date_that_has_passed_sends_the_debtor_back_to_it_with_the_reason(account, client):
    _answer_all(client)
    RUN.save(account, start=(_today() - timedelta(days=1)).isoformat())  # as if days went by
    db.session.commit()

    shown = client.get(CHECK)
    sent = client.post(CHECK)

    assert shown.headers["Location"] == "/offer/new/first-payment-date"
    assert sent.status_code == 303 and sent.headers["Location"] == "/offer/new/first-payment-date"
    assert offers_for(account) == []
    page = client.get("/offer/new/first-payment-date")
    assert page.status_code == 200
    assert error_summary(page.text) == {"start-month": "The first payment cannot be in the past."}
    assert title(page.text).startswith("Error:")
    fixed = client.post(
        "/offer/new/first-payment-date", data=date_form("start", _today() + timedelta(days=2))
    )
    assert fixed.headers["Location"] == CHECK


def test_an_amount_that_became_the_whole_balance_sends_the_debtor_back_to_it(account, client):
    _answer_all(client, amount="500.00")
    account.principal, account.interest, account.fees = 40000, 0, 0  # less is owed than offered now
    db.session.commit()

    assert client.post(CHECK).headers["Location"] == "/offer/new"
    page = client.get("/offer/new").text
    assert error_summary(page) == {
        "amount": "That is the whole amount you owe. You can pay it in full instead."
    }
    assert offers_for(account) == []


# --- Guards, as before on every page ----------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_leads_to_the_offer_waiting_once_one_is_sent(account, client, path):
    propose(client, start=_today() + timedelta(days=5))

    assert client.get(path).headers["Location"] == "/offer"
    assert client.post(path, data={}).headers["Location"] == "/offer"
    assert len(offers_for(account)) == 1


def test_a_closed_account_has_no_offer_pages(make_account, sign_in, client):
    account = make_account()
    account.status = AccountStatus.PAID
    db.session.commit()
    sign_in(account)
    for path in ALL_PAGES:
        for response in (client.get(path), client.post(path, data={})):
            assert response.status_code == 303 and response.headers["Location"] == "/account", path


def test_with_a_plan_running_the_offer_pages_lead_to_the_plan(make_account, sign_in, client, localstripe):
    account = make_account()
    make_plan(localstripe, account)
    sign_in(account)
    for path in ALL_PAGES:
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/plan", path
