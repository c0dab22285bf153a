"""Building, agreeing and running an instalment plan through the test client, with cards saved
in real SetupIntents at localstripe and charged there."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from portal.models import AccountStatus, InstalmentStatus, PlanKind, PlanStatus, Purpose
from portal.models.types import utcnow
from portal.plans import runner
from tests.helpers.plan_pages import (
    DECLINED_ON_CHARGE,
    MASTERCARD_OK,
    VISA_OK,
    agree_plan,
    attempts_for,
    change_policy,
    check_page,
    choose_plan,
    confirm_setup_intent,
    consent_sentence,
    details,
    error_summary,
    events,
    field_error,
    fresh,
    long_date,
    other_setup_intent,
    page_text,
    payments_for,
    plan_draft,
    plans_for,
    schedule_rows,
    session_setup_intent,
    setup_intent,
    title,
    usd,
)
from tests.helpers.plans import intents_for, noon

BALANCE = 106025  # make_account's default: 1,000.00 + 50.25 interest + 10.00 fees
THIRDS = [35341, 35341, 35343]  # 1,060.25 in three payments; the remainder goes on the last


def _today() -> date:
    return utcnow().date()


def _receipt_id(response) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/receipt/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _the_plan(account):
    (plan,) = plans_for(account)
    return plan


def _agreed(client, localstripe, account, *, number=VISA_OK, **choice):
    """Agree a plan through the pages; returns (the review page, the plan)."""
    review, agreed = agree_plan(client, localstripe, number=number, **choice)
    assert agreed.status_code == 303 and agreed.headers["Location"] == "/plan/confirmed", agreed.text
    return review, _the_plan(account)


def _ics_events(body: bytes):
    return Calendar.from_ical(body).walk("VEVENT")


# --- The check page (the builder's questions are in test_plan_questions.py) ----------------------


def test_a_choice_the_policy_stopped_allowing_before_agreeing_goes_back_to_the_builder(
    account, client, localstripe
):
    assert choose_plan(client, frequency="weekly", count=3, first=_today()).status_code == 303
    client.get("/plan/review")
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id)
    change_policy(account, frequencies=["monthly"])

    shown = client.get("/plan/review")
    agreed = client.post("/plan/review", data={"consent": "yes", "setup_intent": setup_id})

    for response in (shown, agreed):
        assert response.status_code == 303 and response.headers["Location"] == "/plan/new"
    assert plans_for(account) == []


def test_a_valid_choice_is_reviewed_with_every_date_amount_the_total_and_the_missed_payment_rules(
    account, client
):
    change_policy(account, retry_days=[2, 5], grace_days=4, misses_before_broken=3)
    today = _today()

    chosen = choose_plan(client, frequency="weekly", count=3, first=today)
    review = client.get("/plan/review")

    assert chosen.status_code == 303 and chosen.headers["Location"] == "/plan/review"
    assert review.status_code == 200
    assert check_page(review.text) == "Check your payment plan"
    assert schedule_rows(review.text) == [
        (1, long_date(today), "$353.41"),
        (2, long_date(today + timedelta(days=7)), "$353.41"),
        (3, long_date(today + timedelta(days=14)), "$353.43"),
    ]
    text = page_text(review.text)
    assert "Total: $1,060.25 in 3 payments." in text
    assert "we will email you and try again 2 and 5 days after the payment date" in text
    assert "You can also pay it yourself from this website, up to 4 days after its date." in text
    assert "If 3 payments are missed, the plan ends." in text


def test_a_choice_by_amount_is_reviewed_with_the_remainder_last(account, client):
    first = _today() + timedelta(days=3)

    choose_plan(client, frequency="every_two_weeks", amount="400", first=first)
    review = client.get("/plan/review")

    assert schedule_rows(review.text) == [
        (1, long_date(first), "$400.00"),
        (2, long_date(first + timedelta(days=14)), "$400.00"),
        (3, long_date(first + timedelta(days=28)), "$260.25"),
    ]
    assert "Total: $1,060.25 in 3 payments." in page_text(review.text)


def test_the_review_without_a_choice_goes_to_the_builder(account, client):
    response = client.get("/plan/review")

    assert response.status_code == 303
    assert response.headers["Location"] == "/plan/new"


# --- Agreeing ------------------------------------------------------------------------------------


def test_agreeing_without_consent_is_refused_and_saves_no_plan(account, client, localstripe):
    choose_plan(client, count=3, first=_today())
    client.get("/plan/review")
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id)

    response = client.post("/plan/review", data={"setup_intent": setup_id})

    assert response.status_code == 400
    assert title(response.text).startswith("Error:")
    expected = "Check the box to agree to the plan and to let us keep your card"
    assert error_summary(response.text) == {"consent": expected}
    assert field_error(response.text, "consent") == expected
    assert plans_for(account) == []
    assert attempts_for(account) == []


def test_agreeing_saves_the_plan_as_shown_with_the_consent_wording_and_policy_version(
    account, client, localstripe
):
    version = change_policy(account, retry_days=[2, 5])
    first = _today() + timedelta(days=3)
    before = utcnow()

    review, plan = _agreed(client, localstripe, account, frequency="weekly", count=3, first=first)

    assert plan.kind is PlanKind.INSTALMENTS and plan.status is PlanStatus.ACTIVE
    assert plan.consent_text == consent_sentence(review)
    assert "may keep the card I enter here" in plan.consent_text
    assert before - timedelta(seconds=1) <= plan.consent_at <= utcnow()
    assert plan.policy_id == version.id
    stored = [(i.number, long_date(i.due_date), usd(i.amount)) for i in plan.instalments]
    assert stored == schedule_rows(review)
    assert [i.amount for i in plan.instalments] == THIRDS
    assert plan.total == BALANCE
    assert (plan.card_brand, plan.card_last4) == ("Visa", "4242")
    assert plan.stripe_payment_method_id.startswith("pm_")
    (agreed,) = events(account, "plan_agreed")
    assert agreed.data["policy_version"] == version.version
    assert plan_draft(account) is None, "the builder's answers go when the plan is agreed"
    with client.session_transaction() as session:
        assert "setup_intent" not in session


def test_the_saved_card_is_the_one_confirmed_in_the_pages_setup_intent(account, client, localstripe):
    choose_plan(client, count=3, first=_today() + timedelta(days=3))
    client.get("/plan/review")
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id)

    client.post("/plan/review", data={"consent": "yes", "setup_intent": setup_id})

    assert (
        _the_plan(account).stripe_payment_method_id == setup_intent(localstripe, setup_id)["payment_method"]
    )


def test_a_first_payment_due_today_is_charged_at_once_and_the_email_carries_the_calendar(
    account, client, localstripe, mailbox
):
    today = _today()

    _, plan = _agreed(client, localstripe, account, frequency="weekly", count=3, first=today)

    (payment,) = payments_for(account)
    first, *rest = plan.instalments
    assert payment.amount == first.amount == THIRDS[0]
    assert payment.attempt.purpose is Purpose.INSTALMENT
    assert payment.attempt.instalment_id == first.id
    assert first.status is InstalmentStatus.PAID
    assert [i.status for i in rest] == [InstalmentStatus.SCHEDULED] * 2
    assert fresh(account).balance.minor == BALANCE - THIRDS[0]

    messages = mailbox.wait_for(2)
    calendars = [
        part
        for message in messages
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(calendars) == 1, [m["Subject"] for m in messages]
    assert calendars[0].get_filename().endswith(".ics")
    vevents = _ics_events(calendars[0].get_payload(decode=True))
    assert len(vevents) == len(plan.instalments) == 3
    assert [e.decoded("dtstart") for e in vevents] == [today + timedelta(days=7 * n) for n in range(3)]

    confirmed = client.get("/plan/confirmed")
    assert check_page(confirmed.text) == "Your payment plan is set up"
    assert "3 payments, $1,060.25 in total." in page_text(confirmed.text)


def test_a_first_payment_due_later_is_not_charged_when_agreeing(account, client, localstripe, mailbox):
    first = _today() + timedelta(days=5)

    _, plan = _agreed(client, localstripe, account, frequency="monthly", count=3, first=first)

    assert payments_for(account) == []
    assert attempts_for(account) == []
    assert [i.status for i in plan.instalments] == [InstalmentStatus.SCHEDULED] * 3
    assert intents_for(localstripe, account.debtor.stripe_customer_id) == []
    assert fresh(account).balance.minor == BALANCE
    (confirmation,) = mailbox.wait_for(1)  # the plan, with its calendar; no receipt
    (calendar,) = confirmation.iter_attachments()
    assert len(_ics_events(calendar.get_payload(decode=True))) == 3


def test_a_setup_intent_not_from_this_session_is_refused(account, client, localstripe):
    choose_plan(client, count=3, first=_today())
    client.get("/plan/review")
    # A card saved in another SetupIntent for the same customer, confirmed and succeeded.
    other = other_setup_intent(localstripe, account)
    assert other != session_setup_intent(client)

    response = client.post("/plan/review", data={"consent": "yes", "setup_intent": other})

    assert response.status_code == 400
    assert error_summary(response.text) == {"card-element": "Enter your card details"}
    assert plans_for(account) == []
    assert attempts_for(account) == []


def test_a_setup_intent_without_a_saved_card_is_refused(account, client):
    choose_plan(client, count=3, first=_today())
    client.get("/plan/review")

    response = client.post(
        "/plan/review", data={"consent": "yes", "setup_intent": session_setup_intent(client)}
    )

    assert response.status_code == 400
    assert "You have not been charged" in error_summary(response.text)["card-element"]
    assert plans_for(account) == []


# --- Policy versions -----------------------------------------------------------------------------


def test_a_later_policy_change_does_not_change_an_agreed_plan(account, client, localstripe):
    first = _today() + timedelta(days=2)
    _, plan = _agreed(
        client, localstripe, account, number=DECLINED_ON_CHARGE, frequency="monthly", count=3, first=first
    )
    agreed_under = plan.policy_id
    amounts = [i.amount for i in plan.instalments]

    newer = change_policy(account, retry_days=[1], misses_before_broken=1, instalment_minimum=50000)

    plan = fresh(plan)
    assert newer.id != agreed_under
    assert plan.policy_id == agreed_under
    assert plan.policy.settings["retry_days"] == [3, 7]
    assert [i.amount for i in plan.instalments] == amounts
    assert "try again 3 and 7 days after the payment date" in page_text(client.get("/plan").text)

    # The runner retries on the agreed days (3 and 7 after the date), not the new policy's 1.
    instalment = plan.instalments[0]
    assert runner.charge_due(noon(first)).declined == 1
    assert fresh(instalment).next_attempt_on == first + timedelta(days=3)
    assert runner.charge_due(noon(first + timedelta(days=1))).declined == 0
    assert runner.charge_due(noon(first + timedelta(days=3))).declined == 1
    assert fresh(instalment).next_attempt_on == first + timedelta(days=7)
    # Retries used up: one missed payment, and the agreed policy allows two before the plan ends.
    runner.charge_due(noon(first + timedelta(days=7)))
    report = runner.charge_due(noon(first + timedelta(days=7)))
    assert (report.missed, report.broken) == (1, 0)
    plan = fresh(plan)
    assert fresh(instalment).status is InstalmentStatus.MISSED
    assert plan.status is PlanStatus.ACTIVE


# --- The plan page -------------------------------------------------------------------------------


@pytest.fixture
def plan(account, client, localstripe):
    """A weekly plan of three payments starting in three days; nothing paid yet."""
    _, plan = _agreed(
        client, localstripe, account, frequency="weekly", count=3, first=_today() + timedelta(days=3)
    )
    return plan


def test_the_plan_page_shows_progress_next_payment_balance_card_and_consent(account, client, plan):
    response = client.get("/plan")

    assert response.status_code == 200
    assert check_page(response.text) == "Your payment plan"
    shown = details(response.text)
    assert shown["Paid so far"] == "0 of 3 payments"
    assert shown["Next payment"] == f"$353.41 on {long_date(plan.instalments[0].due_date)}"
    assert shown["Left to pay"] == "$1,060.25"
    assert shown["Card"] == "Visa card ending in 4242"
    quoted = re.search(r'<blockquote class="quote">(.*?)</blockquote>', response.text, re.S).group(1)
    assert page_text(quoted) == plan.consent_text
    assert "A payment did not go through" not in page_text(response.text)


def test_paying_the_next_payment_charges_exactly_it_with_the_saved_card(account, client, localstripe, plan):
    receipt_id = _receipt_id(client.post("/plan/pay-next"))

    (payment,) = payments_for(account)
    assert payment.id == receipt_id
    assert payment.amount == THIRDS[0]
    assert payment.attempt.purpose is Purpose.INSTALMENT
    assert payment.attempt.instalment_id == plan.instalments[0].id
    (intent,) = intents_for(localstripe, account.debtor.stripe_customer_id)
    assert (intent["amount"], intent["payment_method"]) == (THIRDS[0], plan.stripe_payment_method_id)
    plan = fresh(plan)
    assert [i.status for i in plan.instalments] == [
        InstalmentStatus.PAID,
        InstalmentStatus.SCHEDULED,
        InstalmentStatus.SCHEDULED,
    ]
    assert plan.status is PlanStatus.ACTIVE
    shown = details(client.get("/plan").text)
    assert shown["Paid so far"] == "1 of 3 payments"
    assert shown["Next payment"] == f"$353.41 on {long_date(plan.instalments[1].due_date)}"
    assert shown["Left to pay"] == usd(BALANCE - THIRDS[0])


def test_paying_off_the_rest_completes_the_plan_and_the_account(account, client, localstripe, plan):
    _receipt_id(client.post("/plan/pay-next"))

    receipt_id = _receipt_id(client.post("/plan/pay-off"))

    first, payoff = payments_for(account)
    assert payoff.id == receipt_id
    assert payoff.amount == BALANCE - THIRDS[0]
    assert payoff.attempt.purpose is Purpose.PAYOFF
    plan = fresh(plan)
    assert plan.status is PlanStatus.COMPLETED
    assert plan.active_account_id is None and plan.ended_at is not None
    assert [i.status for i in plan.instalments] == [
        InstalmentStatus.PAID,
        InstalmentStatus.CANCELLED,
        InstalmentStatus.CANCELLED,
    ]
    account = fresh(account)
    assert account.status is AccountStatus.PAID
    assert account.balance.minor == 0
    (intent, payoff_intent) = sorted(
        intents_for(localstripe, account.debtor.stripe_customer_id), key=lambda i: i["amount"]
    )
    assert payoff_intent["payment_method"] == plan.stripe_payment_method_id
    assert client.get("/plan").headers["Location"] == "/account"
    # Nothing is left for the runner to take.
    assert runner.charge_due(noon(plan.instalments[-1].due_date)).charged == 0


def test_paying_off_at_once_pays_the_whole_balance(account, client, plan):
    _receipt_id(client.post("/plan/pay-off"))

    (payment,) = payments_for(account)
    assert payment.amount == BALANCE
    assert fresh(plan).status is PlanStatus.COMPLETED
    assert [i.status for i in fresh(plan).instalments] == [InstalmentStatus.CANCELLED] * 3
    assert fresh(account).status is AccountStatus.PAID


def test_the_calendar_file_has_one_event_per_payment(account, client, plan):
    response = client.get("/plan/calendar.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    vevents = _ics_events(response.data)
    assert [e.decoded("dtstart") for e in vevents] == [i.due_date for i in plan.instalments]
    assert [str(e["summary"]) for e in vevents] == [
        f"Payment of {usd(amount)} to Acme Bank" for amount in THIRDS
    ]


def test_changing_the_card_saves_the_new_card_on_the_plan(account, client, localstripe, plan):
    old_method = plan.stripe_payment_method_id
    page = client.get("/plan/card")
    assert page.status_code == 200
    assert check_page(page.text) == "Change the card for your plan"
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id, MASTERCARD_OK)

    response = client.post("/plan/card", data={"setup_intent": setup_id})

    assert response.status_code == 303 and response.headers["Location"] == "/plan"
    plan = fresh(plan)
    assert (
        plan.stripe_payment_method_id == setup_intent(localstripe, setup_id)["payment_method"] != old_method
    )
    assert plan.card_last4 == "4444"  # localstripe names every card "visa", so the brand says nothing here
    (changed,) = events(account, "plan_card_changed")
    assert changed.data["last4"] == "4444" and changed.data["plan_id"] == plan.id
    assert details(client.get("/plan").text)["Card"].endswith("card ending in 4444")
    assert payments_for(account) == [], "nothing was overdue, so nothing is charged"
    # The next payment is taken from the new card.
    _receipt_id(client.post("/plan/pay-next"))
    assert payments_for(account)[0].card_last4 == "4444"


def test_changing_the_card_with_a_setup_intent_not_from_this_session_is_refused(
    account, client, localstripe, plan
):
    client.get("/plan/card")
    other = other_setup_intent(localstripe, account, MASTERCARD_OK)

    response = client.post("/plan/card", data={"setup_intent": other})

    assert response.status_code == 400
    assert error_summary(response.text) == {"card-element": "Enter your card details"}
    assert fresh(plan).card_last4 == "4242"
    assert events(account, "plan_card_changed") == []


def test_a_payment_the_runner_could_not_take_is_shown_on_the_plan_page(account, client, localstripe):
    first = _today() + timedelta(days=2)
    _, plan = _agreed(
        client, localstripe, account, number=DECLINED_ON_CHARGE, frequency="monthly", count=3, first=first
    )
    assert "A payment did not go through" not in page_text(client.get("/plan").text)

    assert runner.charge_due(noon(first)).declined == 1

    response = client.get("/plan")
    assert response.status_code == 200
    text = page_text(response.text)
    assert "A payment did not go through" in text
    assert f"We could not collect the $353.41 due on {long_date(first)}. You were not charged." in text
    assert 'href="/plan/card"' in response.text
    assert payments_for(account) == []
