"""The options page, paying part now and settling for less, through the test client against a
real localstripe: what the creditor's current policy allows is exactly what the debtor sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.models import AccountStatus, PlanKind, PlanStatus, Purpose
from portal.models.types import utcnow
from tests.helpers.plan_pages import (
    DECLINED_ON_CHARGE,
    VISA_OK,
    attempts_for,
    change_policy,
    check_page,
    error_summary,
    events,
    field_error,
    fresh,
    links,
    long_date,
    page_text,
    payments_for,
    plans_for,
    title,
    type_card,
)
from tests.helpers.plans import make_plan

BALANCE = 106025  # make_account's default: 1,000.00 + 50.25 interest + 10.00 fees
OPTION_LINKS = {"settlement": "/settle", "instalments": "/plan/new", "part_payments": "/pay/part"}


def _pay_by_card(client, localstripe, path: str, number: str = VISA_OK):
    """Type a test card into the card page at *path*, as Stripe.js does, and post the form."""
    return client.post(path, data={"setup_intent": type_card(client, localstripe, path, number)})


def _options(client) -> str:
    response = client.get("/options")
    assert response.status_code == 200
    assert check_page(response.text) == "Choose how to pay"
    return response.text


def _receipt_id(response) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/receipt/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _card_error(page: str) -> str:
    match = re.search(r'id="card-element-error"[^>]*>(.*?)</p>', page, re.S)
    assert match, "no card error on the page"
    return page_text(match.group(1))


# --- The options page ----------------------------------------------------------------------------


def test_default_policy_offers_every_option(account, client):
    page = _options(client)

    assert {"/pay", *OPTION_LINKS.values()} <= links(page)


def test_settlement_offer_shows_amount_pay_by_date_forgiven_and_saving(account, client):
    pay_by = utcnow().date() + timedelta(days=30)  # the default policy's settlement_days

    text = page_text(_options(client))

    # 20 % of 1,060.25 is 212.05 (rounded in the debtor's favour), leaving 848.20 to pay.
    assert f"Pay $848.20 by {long_date(pay_by)} and the remaining $212.05 is forgiven." in text
    assert "You save $212.05." in text


def test_settlement_offer_follows_the_creditors_current_discount_and_days(account, client):
    change_policy(account, settlement_max_discount_pct=10, settlement_days=14)
    pay_by = utcnow().date() + timedelta(days=14)

    text = page_text(_options(client))

    assert f"Pay $954.23 by {long_date(pay_by)} and the remaining $106.02 is forgiven." in text
    assert "You save $106.02." in text


@pytest.mark.parametrize("setting", sorted(OPTION_LINKS))
def test_an_option_the_policy_turns_off_disappears_and_the_others_stay(account, client, setting):
    assert OPTION_LINKS[setting] in links(_options(client))

    change_policy(account, **{setting: False})
    shown = links(_options(client))

    assert OPTION_LINKS[setting] not in shown
    assert {OPTION_LINKS[other] for other in OPTION_LINKS if other != setting} <= shown
    assert "/pay" in shown


@pytest.mark.parametrize("setting", sorted(OPTION_LINKS))
def test_a_turned_off_option_cannot_be_reached_by_its_address(account, client, setting):
    change_policy(account, **{setting: False})

    response = client.get(OPTION_LINKS[setting])

    assert response.status_code == 303
    assert response.headers["Location"] == "/options"


def test_settlement_text_disappears_with_the_setting(account, client):
    change_policy(account, settlement=False)

    text = page_text(_options(client))

    assert "Settle for less" not in text
    assert "You save" not in text


def test_options_are_hidden_while_a_plan_is_active(account, client, localstripe):
    make_plan(localstripe, account, first=utcnow().date() + timedelta(days=5))

    # The plan's own page says what the debtor can do next (pay early, pay it off).
    response = client.get("/options")
    assert response.status_code == 303 and response.headers["Location"] == "/plan"
    for path in OPTION_LINKS.values():
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/options", path


def test_an_account_in_another_currency_can_settle_but_not_pay_part_or_in_instalments(
    make_account, sign_in, client
):
    account = make_account(currency="JPY", principal=100000, interest=0, fees=0)
    sign_in(account)

    page = _options(client)
    shown = links(page)

    assert "/settle" in shown, "a settlement is a percentage, so it works in any currency"
    assert "/plan/new" not in shown and "/pay/part" not in shown
    assert "Pay ¥80,000 by" in page_text(page) and "You save ¥20,000." in page_text(page)
    for path in ("/plan/new", "/pay/part"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/options", path
    assert client.get("/settle").status_code == 200


def test_a_paid_account_is_sent_to_the_overview(account, client, localstripe):
    _receipt_id(_pay_by_card(client, localstripe, "/pay"))
    assert fresh(account).status is AccountStatus.PAID

    response = client.get("/options")

    assert response.status_code == 303
    assert response.headers["Location"] == "/account"


# --- Paying part now -----------------------------------------------------------------------------


def _part(client, amount: str):
    return client.post("/pay/part", data={"amount": amount})


def test_a_part_payment_below_the_minimum_names_the_minimum(account, client):
    response = _part(client, "9.99")

    assert response.status_code == 400
    assert title(response.text).startswith("Error:")
    check_page(response.text)
    assert error_summary(response.text) == {"amount": "The smallest amount you can pay now is $10.00."}
    assert field_error(response.text, "amount") == "The smallest amount you can pay now is $10.00."
    with client.session_transaction() as session:
        assert "part_amount" not in session


def test_the_part_payment_minimum_named_is_the_creditors_current_one(account, client):
    change_policy(account, part_minimum=5000)

    response = _part(client, "49.99")

    assert response.status_code == 400
    assert error_summary(response.text) == {"amount": "The smallest amount you can pay now is $50.00."}


NOT_A_NUMBER = "Enter an amount using numbers, for example 25.00"
# Three figures after the dot are not cents: the message shows the form a US reader writes.
NOT_DOLLARS_AND_CENTS = "Enter the amount in dollars and cents, like 1,000.00"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", NOT_A_NUMBER), ("12.345", NOT_DOLLARS_AND_CENTS), ("1O0", NOT_A_NUMBER), ("-20", NOT_A_NUMBER)],
)
def test_a_malformed_part_amount_gets_a_clear_error(account, client, typed, message):
    response = _part(client, typed)

    assert response.status_code == 400
    assert title(response.text).startswith("Error:")
    assert error_summary(response.text) == {"amount": message}
    with client.session_transaction() as session:
        assert "part_amount" not in session


def test_an_empty_part_amount_asks_for_one(account, client):
    response = _part(client, "  ")

    assert response.status_code == 400
    assert error_summary(response.text) == {"amount": "Enter an amount"}


def test_the_whole_balance_as_a_part_payment_goes_to_pay_in_full(account, client):
    response = _part(client, "1,060.25")

    assert response.status_code == 303
    assert response.headers["Location"] == "/pay"
    with client.session_transaction() as session:
        assert "part_amount" not in session


def test_a_valid_part_amount_leads_to_the_card_page_for_that_amount(account, client):
    response = _part(client, "$50")

    assert response.status_code == 303
    assert response.headers["Location"] == "/pay/part/card"
    card_page = client.get("/pay/part/card")
    assert card_page.status_code == 200
    assert check_page(card_page.text) == "Pay $50.00 by card"
    assert "After this payment you will still owe $1,010.25." in page_text(card_page.text)


def test_paying_part_by_card_records_exactly_that_amount_and_leaves_the_rest_owed(
    account, client, localstripe
):
    _part(client, "50.00")

    receipt_id = _receipt_id(_pay_by_card(client, localstripe, "/pay/part/card"))

    (payment,) = payments_for(account)
    assert payment.id == receipt_id
    assert (payment.amount, payment.currency, payment.card_last4) == (5000, "USD", "4242")
    assert payment.attempt.purpose is Purpose.PART
    account = fresh(account)
    assert account.status is AccountStatus.OPEN
    assert account.balance.minor == BALANCE - 5000
    assert "You owe $1,010.25." in page_text(client.get("/account").text)


@pytest.mark.parametrize("tampered", [BALANCE + 100000, BALANCE, 1, "5000"], ids=str)
def test_a_changed_part_amount_in_the_session_is_never_charged(account, client, localstripe, tampered):
    _part(client, "50.00")
    setup_id = type_card(client, localstripe, "/pay/part/card", VISA_OK)
    with client.session_transaction() as session:
        session["part_amount"] = tampered

    shown = client.get("/pay/part/card")
    paid = client.post("/pay/part/card", data={"setup_intent": setup_id})

    for response in (shown, paid):
        assert response.status_code == 303
        assert response.headers["Location"] == "/pay/part"
    assert attempts_for(account) == []
    assert payments_for(account) == []
    assert fresh(account).balance.minor == BALANCE


# --- Settling for less ---------------------------------------------------------------------------


def test_settling_pays_the_offer_closes_the_account_and_records_what_was_forgiven(
    account, client, localstripe
):
    version = change_policy(account, settlement_max_discount_pct=25)  # a newer version than the default
    offer, forgiven = 79519, 26506  # 25 % of 1,060.25 rounded down is forgiven

    page = client.get("/settle")
    assert page.status_code == 200
    assert check_page(page.text) == "Settle for $795.19"
    assert "the remaining $265.06 is forgiven" in page_text(page.text)

    receipt_id = _receipt_id(_pay_by_card(client, localstripe, "/settle"))

    (payment,) = payments_for(account)
    assert payment.id == receipt_id
    assert payment.amount == offer
    assert payment.attempt.purpose is Purpose.SETTLEMENT
    account = fresh(account)
    assert account.status is AccountStatus.SETTLED
    assert account.forgiven == forgiven
    assert account.balance.minor == 0
    (plan,) = plans_for(account)
    assert (plan.kind, plan.status) == (PlanKind.SETTLEMENT, PlanStatus.COMPLETED)
    assert (plan.total, plan.forgiven) == (offer, forgiven)
    assert plan.policy_id == version.id
    assert plan.active_account_id is None
    (settled,) = events(account, "account_settled")
    assert settled.data == {"paid": offer, "forgiven": forgiven, "policy_version": version.version}
    overview = page_text(client.get("/account").text)
    assert "This account is settled" in overview and "the remaining $265.06 was forgiven" in overview


def test_a_settlement_declined_by_the_bank_leaves_the_account_open_and_nothing_forgiven(
    account, client, localstripe
):
    response = _pay_by_card(client, localstripe, "/settle", DECLINED_ON_CHARGE)

    assert response.status_code == 402
    assert title(response.text).startswith("Error:")
    assert "You have not been charged" in _card_error(response.text)
    assert payments_for(account) == []
    account = fresh(account)
    assert account.status is AccountStatus.OPEN
    assert account.forgiven == 0
    assert account.balance.minor == BALANCE
    assert plans_for(account) == []
    assert events(account, "account_settled") == []
    assert "/settle" in links(_options(client)), "the offer is still there to try again"


def test_a_settlement_without_card_details_asks_for_them(account, client):
    response = client.post("/settle", data={})

    assert response.status_code == 400
    assert error_summary(response.text) == {"card-element": "Enter your card details"}
    assert attempts_for(account) == []
