"""The debtor's own offer: proposed in the pages, decided by a person with `decide-offer`, told by
email and on the overview, and agreed (as accepted or as countered) into an active plan with a
card saved in a real SetupIntent at localstripe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.domain.offers import working_days_after
from portal.domain.schedules import Frequency, add_months
from portal.domain.transitions import TransitionError
from portal.extensions import db
from portal.models import InstalmentStatus, OfferStatus, PlanStatus
from portal.models.types import utcnow
from portal.offers import service as offers
from portal.offers.service import Terms, offer_schedule
from tests.helpers.mail import body
from tests.helpers.plan_pages import (
    check_page,
    client_secret,
    confirm_setup_intent,
    consent_sentence,
    error_summary,
    events,
    field_error,
    links,
    long_date,
    page_text,
    payments_for,
    plans_for,
    schedule_rows,
    session_setup_intent,
)
from tests.support_pages.helpers import BALANCE, at, offers_for, propose


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    account.timezone = "UTC"  # contact hours on a clock the tests can name
    db.session.commit()
    sign_in(account)
    return account


def _decide(runner, offer_id, *args, hour=10):
    """Run `decide-offer` at *hour* o'clock on the debtor's clock today."""
    result = runner.invoke(
        args=["decide-offer", str(offer_id), *args, "--now", at(_today(), hour).isoformat()]
    )
    return result


def _offered(client, account, **terms):
    response = propose(client, **{"start": _today() + timedelta(days=40), **terms})
    assert response.status_code == 303 and response.headers["Location"] == "/offer", response.text
    return offers_for(account)[-1]


def _agree(client, localstripe):
    page = client.get("/offer/agree")
    assert page.status_code == 200, page.text
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id, client_secret=client_secret(page.text))
    agreed = client.post("/offer/agree", data={"consent": "yes", "setup_intent": setup_id})
    return page.text, agreed


# --- Proposing ---------------------------------------------------------------------------------


def test_propose_your_own_plan_is_linked_from_the_options_the_builder_and_its_errors(account, client):
    assert "/offer/new" in links(client.get("/options").text)
    assert "/offer/new" in links(client.get("/plan/new").text)
    client.post("/plan/new", data={"frequency": "weekly"})
    refused = client.post("/plan/new/payments", data={"method": "count", "count": "99"})
    assert refused.status_code == 400
    assert "you can tell us what you can pay. Propose your own plan" in page_text(refused.text)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"amount": "1060.25"},
            "amount",
            "That is the whole amount you owe. You can pay it in full instead.",
        ),
        ({"amount": "forty"}, "amount", "Enter an amount using numbers, for example 25.00"),
        ({"start": -1}, "start-month", "The first payment cannot be in the past."),
        ({"start": 366}, "start-month", "The first payment must be within a year from today."),
        ({"note": "x" * 1001}, "note", "Your note must be 1000 characters or fewer"),
    ],
    ids=["whole-balance", "not-a-number", "past", "too-late", "long-note"],
)
def test_an_offer_that_cannot_be_sent_says_why_beside_the_field(account, client, change, field, message):
    change = dict(change)
    start = _today() + timedelta(days=change.pop("start", 10))

    response = propose(client, start=start, **change)

    assert response.status_code == 400
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert offers_for(account) == []


def test_an_offer_outside_the_policy_is_recorded_for_a_person_and_the_page_says_by_when(account, client):
    response = propose(
        client,
        amount="15.00",
        frequency="weekly",
        start=_today() + timedelta(days=45),
        note="Paid on Fridays",
    )

    assert response.status_code == 303 and response.headers["Location"] == "/offer"
    (offer,) = offers_for(account)
    assert (offer.status, offer.amount, offer.frequency, offer.note) == (
        OfferStatus.PENDING,
        1500,
        "weekly",
        "Paid on Fridays",
    )
    assert offer.start_date == _today() + timedelta(days=45)
    assert offer.affordability is None
    (event,) = events(account, "offer_made")
    assert event.actor == "debtor"
    assert event.data == {
        "offer_id": offer.id,
        "amount": 1500,
        "frequency": "weekly",
        "start_date": offer.start_date.isoformat(),
        "shared_affordability": False,
    }

    page = client.get("/offer")
    assert check_page(page.text) == "We have your offer"
    reply_by = working_days_after(offer.created_at.date(), 2)
    assert (
        f"A person will look at it and reply within 2 business days, by {long_date(reply_by)}."
        in page_text(page.text)
    )
    overview = page_text(client.get("/account").text)
    assert (
        "We are looking at your offer" in overview
        and f"A person will reply by {long_date(reply_by)}" in overview
    )
    # One offer at a time: the form leads to the waiting offer.
    assert client.get("/offer/new").headers["Location"] == "/offer"


def test_replies_are_promised_within_two_working_days():
    friday = date(2027, 1, 15)
    assert working_days_after(friday, 2) == date(2027, 1, 19)  # Tuesday
    assert working_days_after(date(2027, 1, 13), 2) == date(2027, 1, 15)
    assert working_days_after(date(2027, 1, 16), 2) == date(2027, 1, 19)  # from a Saturday


def test_the_collector_lists_pending_offers_with_their_terms_and_note(account, client, runner):
    offer = _offered(client, account, note="I get paid monthly")

    result = runner.invoke(args=["offers"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Offer {offer.id}: acme/ACC-1 (Jane Doe), owes 1060.25 USD"
    assert f"offers 40.00 USD monthly from {offer.start_date.isoformat()} (27 payments)" in lines[1]
    assert lines[2] == "  note: I get paid monthly"
    offers.accept(offer)
    db.session.commit()
    assert runner.invoke(args=["offers"]).output == "No offers are waiting for a decision\n"


# --- Decisions ---------------------------------------------------------------------------------


def test_accepting_tells_the_debtor_by_email_and_on_the_overview(account, client, runner, mailbox):
    offer = _offered(client, account)

    result = _decide(runner, offer.id, "--accept")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"Offer {offer.id} accepted", "Emailed jane@example.com"]
    offer = offers_for(account)[0]
    assert offer.status is OfferStatus.ACCEPTED and offer.decided_at is not None
    (decided,) = events(account, "offer_accepted")
    assert decided.actor == "collector" and decided.data == {"offer_id": offer.id}
    assert [e.data["offer_id"] for e in events(account, "offer_decision_sent")] == [offer.id]
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "We have accepted your offer"
    text = body(mail, "plain")
    assert f"We have accepted it: $40.00 every month, starting on {long_date(offer.start_date)}." in text
    assert re.search(r"http://portal\.test/l/\S+", text)

    overview = client.get("/account").text
    assert "Your offer was accepted" in page_text(overview)
    assert "/offer/agree" in links(overview)
    assert client.get("/offer").headers["Location"] == "/offer/agree"


def test_the_debtor_agrees_an_accepted_offer_into_an_active_plan_outside_the_policy(
    account, client, runner, localstripe, mailbox
):
    start = _today() + timedelta(days=40)  # later than the policy's 30 days: a person allowed it
    offer = _offered(client, account, amount="40.00", frequency="monthly", start=start)
    _decide(runner, offer.id, "--accept")

    page, agreed = _agree(client, localstripe)

    assert check_page(page) == "Your offer was accepted"
    rows = schedule_rows(page)
    assert len(rows) == 27
    assert rows[0] == (1, long_date(start), "$40.00") and rows[-1] == (
        27,
        long_date(add_months(start, 26)),
        "$20.25",
    )
    assert "Total: $1,060.25 in 27 payments." in page_text(page)
    assert agreed.status_code == 303 and agreed.headers["Location"] == "/plan/confirmed", agreed.text
    (plan,) = plans_for(account)
    assert plan.status is PlanStatus.ACTIVE and plan.active_account_id == account.id
    assert plan.total == BALANCE and plan.frequency == "monthly"
    assert [i.amount for i in plan.instalments] == [4000] * 26 + [2025]
    assert [i.due_date for i in plan.instalments] == [add_months(start, n) for n in range(27)]
    assert all(i.status is InstalmentStatus.SCHEDULED for i in plan.instalments)
    assert plan.consent_text == consent_sentence(page) and plan.card_last4 == "4242"
    assert payments_for(account) == [], "nothing is due today, so nothing is charged"
    assert offers_for(account)[0].status is OfferStatus.AGREED
    (agreed_event,) = events(account, "plan_agreed")
    assert agreed_event.data["offer_id"] == offer.id and agreed_event.data["total"] == BALANCE
    assert [e.data for e in events(account, "offer_agreed")] == [{"offer_id": offer.id, "plan_id": plan.id}]
    assert check_page(client.get("/plan/confirmed").text) == "Your payment plan is set up"
    assert any(m["Subject"] == "Your payment plan with Acme Bank" for m in mailbox.wait_for(2))
    # Agreed once: the page now leads to the plan.
    assert client.get("/offer/agree").headers["Location"] == "/plan"


def test_a_countered_offer_is_agreed_on_the_collectors_terms_and_a_first_payment_today_is_taken(
    account, client, runner, localstripe
):
    offer = _offered(client, account, amount="10.00", frequency="weekly")
    today = _today()

    result = _decide(
        runner,
        offer.id,
        "--counter",
        "--amount",
        "100.00",
        "--frequency",
        "every_two_weeks",
        "--start",
        today.isoformat(),
        "--reason",
        "We need payments of at least 100.00.",
    )
    assert result.exit_code == 0, result.output
    offer = offers_for(account)[0]
    assert (offer.status, offer.counter_amount, offer.counter_frequency, offer.counter_start_date) == (
        OfferStatus.COUNTERED,
        10000,
        "every_two_weeks",
        today,
    )
    (countered,) = events(account, "offer_countered")
    assert countered.data == {
        "offer_id": offer.id,
        "amount": 10000,
        "frequency": "every_two_weeks",
        "start_date": today.isoformat(),
    }

    page, agreed = _agree(client, localstripe)

    assert check_page(page) == "We suggest a different plan"
    assert "We need payments of at least 100.00." in page_text(page)
    assert agreed.status_code == 303 and agreed.headers["Location"] == "/plan/confirmed", agreed.text
    (plan,) = plans_for(account)
    assert [i.amount for i in plan.instalments] == [10000] * 10 + [6025]
    assert [i.due_date for i in plan.instalments] == [today + timedelta(days=14 * n) for n in range(11)]
    assert plan.instalments[0].status is InstalmentStatus.PAID
    assert [p.amount for p in payments_for(account)] == [10000]


def test_a_declined_offer_shows_the_reason_and_the_options_and_a_new_offer_can_follow(
    account, client, runner, mailbox
):
    offer = _offered(client, account, amount="5.00", frequency="monthly")

    result = _decide(runner, offer.id, "--decline", "--reason", "This would take over 17 years.")

    assert result.exit_code == 0, result.output
    offer = offers_for(account)[0]
    assert offer.status is OfferStatus.DECLINED and offer.decision_note == "This would take over 17 years."
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "We have looked at your offer"
    assert "Why: This would take over 17 years." in body(mail, "plain")
    overview = client.get("/account").text
    assert "We could not accept your offer" in page_text(overview)
    assert "This would take over 17 years." in page_text(overview)
    page = client.get("/offer")
    assert check_page(page.text) == "We could not accept your offer"
    assert {"/options", "/offer/new", "/cant-pay", "/account"} <= links(page.text)
    assert client.get("/offer/agree").headers["Location"] == "/offer"

    again = _offered(client, account, amount="60.00")
    assert again.id != offer.id and again.status is OfferStatus.PENDING


def test_an_offer_is_decided_once(account, client, runner):
    offer = _offered(client, account)
    assert _decide(runner, offer.id, "--accept").exit_code == 0

    result = _decide(runner, offer.id, "--decline", "--reason", "Changed our mind")

    assert result.exit_code == 1
    assert f"Not changed: offer {offer.id} is accepted; it cannot become declined" in result.output
    assert offers_for(account)[0].status is OfferStatus.ACCEPTED
    assert events(account, "offer_declined") == []
    with pytest.raises(TransitionError):
        offers.accept(offers_for(account)[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Choose one of --accept, --decline --reason TEXT or --counter"),
        (["--decline"], "Say why with --reason"),
        (["--counter", "--amount", "40.00"], "A counter-offer needs --amount, --frequency and --start"),
        (
            ["--counter", "--amount", "2000.00", "--frequency", "monthly", "--start", "2099-01-01"],
            "the amount must be more than 0 and less than the balance",
        ),
        (
            ["--counter", "--amount", "40.00", "--frequency", "monthly", "--start", "2020-01-01"],
            "the start date is in the past",
        ),
        (
            # The same limit as the debtor's own offer: a counter never proposes what they could not.
            ["--counter", "--amount", "40.00", "--frequency", "monthly", "--start", "2099-01-01"],
            "the start date is more than a year away",
        ),
    ],
    ids=[
        "no-decision",
        "decline-without-reason",
        "counter-without-terms",
        "counter-over-balance",
        "past-start",
        "start-too-late",
    ],
)
def test_a_decision_that_makes_no_sense_is_refused_and_changes_nothing(
    account, client, runner, args, message
):
    offer = _offered(client, account)

    result = _decide(runner, offer.id, *args)

    assert result.exit_code != 0
    assert message in result.output
    assert offers_for(account)[0].status is OfferStatus.PENDING


def test_an_unknown_offer_is_named(runner, app):
    result = runner.invoke(args=["decide-offer", "999", "--accept"])
    assert result.exit_code == 1 and "No offer 999" in result.output


def test_the_schedule_pays_exactly_the_balance_and_a_past_start_moves_to_the_day_of_agreeing():
    today = date(2027, 3, 10)
    terms = Terms(4000, Frequency.MONTHLY, date(2027, 3, 1))

    plan = offer_schedule(BALANCE, terms, today)

    assert sum(p.amount for p in plan) == BALANCE
    assert plan[0].due == today and plan[1].due == date(2027, 4, 10)
    assert [p.amount for p in plan][-2:] == [4000, 2025]
