"""A plan payment that did not go through is shown first on the overview with what to do, and the
change-card page says truly what a new card does to it."""

from __future__ import annotations

from datetime import timedelta

from portal.models.types import utcnow
from portal.plans import runner
from tests.helpers.plan_pages import (
    DECLINED_ON_CHARGE,
    MASTERCARD_OK,
    agree_plan,
    confirm_setup_intent,
    long_date,
    page_text,
    payments_for,
    plans_for,
    session_setup_intent,
)
from tests.helpers.plans import noon

RETRY_SENTENCE = "When you save the new card, we will take that payment from it right away."


def _declined_plan(client, localstripe, account, app):
    first = utcnow().date() + timedelta(days=2)
    review, agreed = agree_plan(
        client, localstripe, number=DECLINED_ON_CHARGE, frequency="monthly", count=3, first=first
    )
    assert agreed.status_code == 303, agreed.text
    (plan,) = plans_for(account)
    assert runner.charge_due(noon(first)).declined == 1
    app.config["CLOCK_OFFSET_DAYS"] = 3  # the portal's today is after the payment's date
    return plan, first


def test_the_overview_shows_the_failed_payment_and_what_to_do(
    make_account, sign_in, client, localstripe, app
):
    account = make_account()
    sign_in(account)
    before = page_text(client.get("/account").text)
    assert "did not go through" not in before

    plan, first = _declined_plan(client, localstripe, account, app)
    overview = client.get("/account")
    text = page_text(overview.text)
    amount = "$" + f"{plan.instalments[0].amount / 100:,.2f}"
    assert f"Your payment of {amount} due on {long_date(first)} did not go through." in text
    assert 'action="/plan/pay-next"' in overview.text
    assert 'href="/plan/card"' in overview.text


def test_the_change_card_page_says_the_failed_payment_is_taken_and_it_is(
    make_account, sign_in, client, localstripe
):
    account = make_account()
    sign_in(account)
    assert (
        agree_plan(
            client, localstripe, frequency="monthly", count=3, first=utcnow().date() + timedelta(days=5)
        )[1].status_code
        == 303
    )
    # No failed payment: the page does not promise to take one, and saving a card takes nothing.
    assert RETRY_SENTENCE not in page_text(client.get("/plan/card").text)


def test_after_a_decline_the_new_card_pays_the_failed_payment_as_the_page_says(
    make_account, sign_in, client, localstripe, app
):
    account = make_account()
    sign_in(account)
    plan, first = _declined_plan(client, localstripe, account, app)
    page = client.get("/plan/card")
    assert RETRY_SENTENCE in page_text(page.text)
    setup_id = session_setup_intent(client)
    confirm_setup_intent(localstripe, setup_id, MASTERCARD_OK)
    client.post("/plan/card", data={"setup_intent": setup_id})
    (payment,) = payments_for(account)
    assert payment.amount == plan.instalments[0].amount and payment.card_last4 == "4444"
