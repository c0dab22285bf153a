"""Paying the whole balance by card against a real localstripe: declines and 3-D Secure too."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import AccountStatus, AttemptStatus
from tests.helpers.cards import DECLINED_ON_CHARGE, DECLINED_ON_SAVE, NEEDS_3DS, VISA_OK
from tests.helpers.records import attempts_for, event_kinds, live_attempts, payments_for
from tests.helpers.webhooks import intent_event, stripe_signature

CALM = "You have not been charged"


@pytest.fixture
def account(make_account, sign_in):
    account = make_account(reference="ACC-1")
    sign_in(account)
    return account


def _pay(client, setup_id: str):
    return client.post("/pay", data={"setup_intent": setup_id})


def _receipt_id(response) -> int:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/receipt/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _card_error(html: str) -> str:
    match = re.search(r'id="card-element-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no card error on the page"
    return match.group(1)


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _status(account) -> AccountStatus:
    db.session.expire_all()
    db.session.refresh(account)
    return account.status


def test_a_good_card_pays_in_full(account, client, typed_card):
    response = _pay(client, typed_card(VISA_OK))

    payment_id = _receipt_id(response)
    (payment,) = payments_for(account)
    assert payment.id == payment_id
    assert (payment.amount, payment.currency) == (106025, "USD")
    assert payment.card_last4 == "4242"
    assert _status(account) is AccountStatus.PAID
    assert live_attempts(account) == []


def test_the_receipt_page_shows_the_payment(account, client, typed_card):
    payment_id = _receipt_id(_pay(client, typed_card(VISA_OK)))
    page = client.get(f"/receipt/{payment_id}")
    assert page.status_code == 200
    assert "$1,060.25" in page.text
    assert "ACC-1" in page.text
    assert "4242" in page.text


def test_a_good_card_emails_a_receipt(account, client, typed_card, mailbox):
    _receipt_id(_pay(client, typed_card(VISA_OK)))

    (message,) = mailbox.wait_for(1)
    assert message["To"] == "jane@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "$1,060.25" in body
    assert "ACC-1" in body
    assert event_kinds(account)[-1] == "receipt_sent"


def test_a_paid_account_cannot_be_charged_again(account, client, typed_card):
    used = typed_card(VISA_OK)
    _receipt_id(_pay(client, used))

    assert client.get("/pay").headers["Location"].endswith("/account")
    again = _pay(client, used)

    assert again.status_code == 303
    assert again.headers["Location"].endswith("/account")
    assert len(payments_for(account)) == 1


def test_no_card_asks_for_card_details(account, client):
    response = client.post("/pay", data={})
    assert response.status_code == 400
    assert _title(response.text).startswith("Error:")
    assert attempts_for(account) == []


def test_a_card_declined_when_charged_gets_a_calm_message_and_no_payment(
    account, client, typed_card, stripe_intent
):
    response = _pay(client, typed_card(DECLINED_ON_CHARGE))

    assert response.status_code == 402
    assert CALM in _card_error(response.text)
    assert _title(response.text).startswith("Error:")
    assert 'href="#card-element"' in response.text
    assert payments_for(account) == []
    (attempt,) = attempts_for(account)
    assert attempt.status is AttemptStatus.FAILED
    assert live_attempts(account) == []
    assert stripe_intent(attempt.stripe_payment_intent_id)["status"] == "canceled"
    assert _status(account) is AccountStatus.OPEN


def test_after_a_decline_another_card_pays(account, client, typed_card, stripe_intent):
    assert _pay(client, typed_card(DECLINED_ON_CHARGE)).status_code == 402
    assert len(live_attempts(account)) <= 1

    response = _pay(client, typed_card(VISA_OK))

    _receipt_id(response)
    assert len(payments_for(account)) == 1
    first, second = attempts_for(account)
    assert (first.status, second.status) == (AttemptStatus.FAILED, AttemptStatus.SUCCEEDED)
    assert live_attempts(account) == []
    assert stripe_intent(first.stripe_payment_intent_id)["status"] == "canceled"
    assert stripe_intent(second.stripe_payment_intent_id)["status"] == "succeeded"
    assert _status(account) is AccountStatus.PAID


def test_a_card_declined_when_saved_makes_no_attempt(account, client, typed_card):
    response = _pay(client, typed_card(DECLINED_ON_SAVE))

    assert response.status_code == 402
    assert CALM in _card_error(response.text)
    assert attempts_for(account) == []
    assert payments_for(account) == []
    assert event_kinds(account)[-1] == "payment_failed"


def _start_3ds(client, typed_card):
    response = _pay(client, typed_card(NEEDS_3DS))
    assert response.status_code == 200
    secret = re.search(r'data-client-secret="([^"]+)"', response.text)
    action = re.search(r'action="/pay/attempts/(\d+)/complete"', response.text)
    assert secret and action, "the authenticate page needs the client secret and where to return"
    return response, secret.group(1), int(action.group(1))


def test_a_card_needing_3ds_shows_the_authenticate_page(account, client, typed_card, stripe_intent):
    response, secret, attempt_id = _start_3ds(client, typed_card)

    (attempt,) = attempts_for(account)
    assert attempt.id == attempt_id
    assert attempt.status is AttemptStatus.REQUIRES_ACTION
    assert secret.startswith(attempt.stripe_payment_intent_id)
    assert secret in response.text
    assert stripe_intent(attempt.stripe_payment_intent_id)["status"] == "requires_action"
    assert payments_for(account) == []
    assert event_kinds(account)[-1] == "payment_needs_authentication"


def test_passing_3ds_then_completing_gives_a_receipt(account, client, typed_card, authenticate_3ds, mailbox):
    _, secret, attempt_id = _start_3ds(client, typed_card)
    (attempt,) = attempts_for(account)

    authenticate_3ds(attempt.stripe_payment_intent_id, secret, success=True)
    response = client.post(f"/pay/attempts/{attempt_id}/complete")

    payment_id = _receipt_id(response)
    (payment,) = payments_for(account)
    assert payment.id == payment_id
    assert attempts_for(account)[0].status is AttemptStatus.SUCCEEDED
    assert live_attempts(account) == []
    assert _status(account) is AccountStatus.PAID
    assert len(mailbox.wait_for(1)) == 1


def test_completing_twice_shows_the_same_receipt(account, client, typed_card, authenticate_3ds):
    _, secret, attempt_id = _start_3ds(client, typed_card)
    authenticate_3ds(attempts_for(account)[0].stripe_payment_intent_id, secret, success=True)
    first = _receipt_id(client.post(f"/pay/attempts/{attempt_id}/complete"))
    second = _receipt_id(client.post(f"/pay/attempts/{attempt_id}/complete"))
    assert first == second
    assert len(payments_for(account)) == 1


def test_failing_3ds_gets_a_calm_message(account, client, typed_card, authenticate_3ds):
    _, secret, attempt_id = _start_3ds(client, typed_card)
    (attempt,) = attempts_for(account)

    authenticate_3ds(attempt.stripe_payment_intent_id, secret, success=False)
    response = client.post(f"/pay/attempts/{attempt_id}/complete")

    assert response.status_code == 402
    message = _card_error(response.text)
    assert "security check with your bank was not completed" in message
    assert CALM in message
    assert payments_for(account) == []
    assert attempts_for(account)[0].status is AttemptStatus.FAILED
    assert live_attempts(account) == []
    assert _status(account) is AccountStatus.OPEN


def test_leaving_3ds_and_paying_with_another_card_cancels_the_first_intent(
    account, client, typed_card, stripe_intent
):
    _start_3ds(client, typed_card)
    assert len(live_attempts(account)) == 1

    _receipt_id(_pay(client, typed_card(VISA_OK)))

    first, second = attempts_for(account)
    assert first.status is AttemptStatus.CANCELED
    assert stripe_intent(first.stripe_payment_intent_id)["status"] == "canceled"
    assert second.status is AttemptStatus.SUCCEEDED
    assert len(payments_for(account)) == 1
    assert live_attempts(account) == []


def test_starting_3ds_twice_leaves_one_live_attempt(account, client, typed_card, stripe_intent):
    _start_3ds(client, typed_card)
    _start_3ds(client, typed_card)

    first, second = attempts_for(account)
    assert [a.id for a in live_attempts(account)] == [second.id]
    assert stripe_intent(first.stripe_payment_intent_id)["status"] == "canceled"


def test_the_webhook_first_then_the_browser_gives_one_payment(
    account, client, typed_card, authenticate_3ds, mailbox
):
    _, secret, attempt_id = _start_3ds(client, typed_card)
    intent_id = attempts_for(account)[0].stripe_payment_intent_id
    authenticate_3ds(intent_id, secret, success=True)
    body = intent_event(intent_id)
    assert (
        client.post(
            "/stripe/webhook", data=body, headers={"Stripe-Signature": stripe_signature(body)}
        ).status_code
        == 200
    )

    payment_id = _receipt_id(client.post(f"/pay/attempts/{attempt_id}/complete"))

    (payment,) = payments_for(account)
    assert payment.id == payment_id
    assert event_kinds(account).count("payment_succeeded") == 1
    assert len(mailbox.arrived()) == 1


def test_completing_another_accounts_attempt_shows_no_receipt(make_account, sign_in, client, typed_card):
    mine = make_account(reference="ACC-A")
    theirs = make_account(reference="ACC-B", full_name="John Roe", email="john@example.com")
    sign_in(theirs)
    _, _, their_attempt = _start_3ds(client, typed_card)
    sign_in(mine)

    response = client.post(f"/pay/attempts/{their_attempt}/complete")

    assert response.status_code not in (200, 303)
    assert "ACC-B" not in response.text
    assert payments_for(theirs) == [] and payments_for(mine) == []
