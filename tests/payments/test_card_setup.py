"""The one-off card step on Stripe's current API: a SetupIntent per visit, its PaymentMethod charged,
then detached once the payment is over, and never a plan's card; no Tokens or Sources anywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal.domain.transitions import ATTEMPT
from portal.models import AttemptStatus
from portal.models.types import utcnow
from portal.payments import gateway as gateway_module
from portal.payments.gateway import Setup, StripeGateway, get_gateway
from tests.helpers.cards import (
    DECLINED_ON_CHARGE,
    DECLINED_ON_SAVE,
    NEEDS_3DS,
    SECRET_KEY,
    VISA_OK,
    confirm_card,
    page_setup,
)
from tests.helpers.plan_pages import agree_plan, plans_for
from tests.helpers.plans import make_plan, stripe_client
from tests.helpers.records import attempts_for, event_kinds, payments_for
from tests.helpers.webhooks import intent_event, stripe_signature
from tests.payments.conftest import _call

PORTAL = Path(__file__).resolve().parents[2] / "portal"
CALM = "You have not been charged"


@pytest.fixture
def account(make_account, sign_in):
    account = make_account(reference="ACC-1")
    sign_in(account)
    return account


@pytest.fixture
def detached(monkeypatch):
    """Every card the portal asks Stripe to detach, in order (the real call still happens)."""
    asked: list[str] = []
    real = StripeGateway.detach_card

    def spy(self, payment_method_id):
        asked.append(payment_method_id)
        return real(self, payment_method_id)

    monkeypatch.setattr(StripeGateway, "detach_card", spy)
    return asked


def _setup_at_localstripe(localstripe, setup_id: str) -> dict:
    return _call(
        f"{localstripe.url}/v1/setup_intents/{setup_id}", headers={"Authorization": f"Bearer {SECRET_KEY}"}
    )


def _card_error(page: str) -> str:
    match = re.search(r'id="card-element-error"[^>]*>(.*?)</p>', page, re.S)
    assert match, "no card error on the page"
    return match.group(1)


def test_the_portal_uses_no_tokens_or_sources():
    """Stripe is ending the Tokens and Sources card path: not one call to it may remain."""
    banned = ("createToken", "payment_sources", "create_source", "/v1/tokens", "/v1/sources", "card_token")
    found = [
        f"{path.relative_to(PORTAL)}: {word}"
        for path in PORTAL.rglob("*")
        if path.suffix in (".py", ".js", ".html")
        for word in banned
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_the_card_page_gives_an_on_session_setup_intent_of_the_debtors_customer(account, client, localstripe):
    page = client.get("/pay")

    setup_id, secret = page_setup(page.text)
    at_stripe = _setup_at_localstripe(localstripe, setup_id)
    assert at_stripe["client_secret"] == secret
    assert at_stripe["usage"] == "on_session", "a one-off card is not saved for charges made later"
    assert at_stripe["customer"] == account.debtor.stripe_customer_id
    assert at_stripe["status"] == "requires_payment_method"
    assert client.get("/pay").text.count(setup_id) >= 1, "the same visit keeps its SetupIntent"


def test_a_paid_one_off_card_is_detached_once(account, client, typed_card, detached):
    response = client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})

    assert response.status_code == 303
    (attempt,) = attempts_for(account)
    assert attempt.stripe_payment_method_id.startswith("pm_")
    assert detached == [attempt.stripe_payment_method_id]


def test_a_card_declined_when_charged_is_detached(account, client, typed_card, detached):
    response = client.post("/pay", data={"setup_intent": typed_card(DECLINED_ON_CHARGE)})

    assert response.status_code == 402
    (attempt,) = attempts_for(account)
    assert attempt.status is AttemptStatus.FAILED
    assert detached == [attempt.stripe_payment_method_id]


def test_a_card_waiting_for_the_bank_is_kept_until_the_check_ends(
    account, client, typed_card, authenticate_3ds, detached
):
    """Detaching during 3-D Secure would break the check; the card goes once the debtor is back."""
    waiting = client.post("/pay", data={"setup_intent": typed_card(NEEDS_3DS)})
    assert waiting.status_code == 200
    (attempt,) = attempts_for(account)
    assert attempt.status is AttemptStatus.REQUIRES_ACTION
    assert detached == []

    secret = re.search(r'data-client-secret="([^"]+)"', waiting.text).group(1)
    authenticate_3ds(attempt.stripe_payment_intent_id, secret, success=True)
    assert client.post(f"/pay/attempts/{attempt.id}/complete").status_code == 303

    assert detached == [attempt.stripe_payment_method_id]


def test_the_webhook_that_ends_a_payment_detaches_its_card(
    account, client, typed_card, authenticate_3ds, detached
):
    """The browser may never come back from the bank's check: Stripe's word ends it then."""
    waiting = client.post("/pay", data={"setup_intent": typed_card(NEEDS_3DS)})
    (attempt,) = attempts_for(account)
    secret = re.search(r'data-client-secret="([^"]+)"', waiting.text).group(1)
    authenticate_3ds(attempt.stripe_payment_intent_id, secret, success=True)

    body = intent_event(attempt.stripe_payment_intent_id)
    webhook = client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": stripe_signature(body)})

    assert webhook.status_code == 200
    assert len(payments_for(account)) == 1
    assert detached == [attempt.stripe_payment_method_id]


def test_a_plans_card_is_never_detached(account, client, localstripe, detached):
    """The first instalment (due today) and the next one paid early both use the card the debtor
    agreed to us keeping: it stays with the customer."""
    _review, agreed = agree_plan(client, localstripe, frequency="weekly", count=4, first=utcnow().date())
    assert agreed.status_code == 303, agreed.text[:300]
    (plan,) = plans_for(account)
    assert client.post("/plan/pay-next").status_code == 303

    assert [a.status for a in attempts_for(account)] == [AttemptStatus.SUCCEEDED] * 2
    assert plan.stripe_payment_method_id not in detached
    assert detached == []


def test_a_one_off_card_that_a_plan_keeps_is_not_detached(account, client, localstripe, detached):
    """Whatever the purpose says, a card any plan holds is never let go."""
    from portal.payments import card_setup

    plan = make_plan(localstripe, account, first=utcnow().date() + timedelta(days=7))
    attempt = _one_off_attempt(account, plan.stripe_payment_method_id)

    card_setup.release(attempt)

    assert detached == []


def _one_off_attempt(account, payment_method_id):
    from portal.extensions import db
    from portal.models import PaymentAttempt, Purpose

    attempt = PaymentAttempt(
        account_id=account.id,
        amount=100,
        currency="USD",
        purpose=Purpose.FULL,
        idempotency_key=f"test-{payment_method_id}",
        stripe_payment_method_id=payment_method_id,
    )
    db.session.add(attempt)
    db.session.flush()  # created, then declined
    ATTEMPT.move(attempt, AttemptStatus.FAILED)
    db.session.commit()
    return attempt


def test_detaching_a_card_really_detaches_it(app, account, localstripe):
    """The gateway's own call, seen at localstripe: attached before, detached after, and a second
    detach is a harmless no."""
    from portal.payments import service

    customer = service.customer_for(account)
    stripe = stripe_client(localstripe)
    method = stripe.v1.payment_methods.create(
        params={"type": "card", "card": {"number": VISA_OK, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    stripe.v1.payment_methods.attach(method.id, params={"customer": customer})

    assert get_gateway().detach_card(method.id) is True
    assert stripe.v1.payment_methods.retrieve(method.id).customer is None
    assert get_gateway().detach_card(method.id) is False


def test_a_setup_intent_from_outside_this_session_is_refused(account, client, localstripe, typed_card):
    mine = typed_card(VISA_OK)
    other = stripe_client(localstripe).v1.setup_intents.create(
        params={"customer": account.debtor.stripe_customer_id, "usage": "on_session"}
    )
    confirm_card(
        localstripe, f'data-client-secret="{other.client_secret}" data-setup-intent="{other.id}"', VISA_OK
    )

    response = client.post("/pay", data={"setup_intent": other.id})

    assert mine != other.id
    assert response.status_code == 400
    assert "Enter your card details" in _card_error(response.text)
    assert attempts_for(account) == []


def test_a_setup_intent_of_another_customer_is_refused(account, client, monkeypatch, typed_card):
    """Even the session's own id is checked against the debtor's customer at Stripe."""
    setup_id = typed_card(VISA_OK)
    real = StripeGateway.retrieve_setup_intent

    def someone_elses(self, wanted):
        found = real(self, wanted)
        return Setup(found.id, found.status, found.client_secret, "cus_someone_else", found.payment_method)

    monkeypatch.setattr(StripeGateway, "retrieve_setup_intent", someone_elses)
    response = client.post("/pay", data={"setup_intent": setup_id})

    assert response.status_code == 402
    assert CALM in _card_error(response.text)
    assert attempts_for(account) == []


def test_a_card_refused_when_saved_gets_the_kind_message_and_no_attempt(account, client, typed_card):
    response = client.post("/pay", data={"setup_intent": typed_card(DECLINED_ON_SAVE)})

    assert response.status_code == 402
    assert CALM in _card_error(response.text)
    assert attempts_for(account) == []
    assert event_kinds(account)[-1] == "payment_failed"


def test_a_bank_check_failed_while_saving_the_card_is_a_decline(account, client, typed_card):
    response = client.post("/pay", data={"setup_intent": typed_card(NEEDS_3DS, bank_check=False)})

    assert response.status_code == 402
    assert CALM in _card_error(response.text)
    assert attempts_for(account) == []


def test_stripes_reason_for_a_failed_setup_is_the_one_shown(account, client, monkeypatch, typed_card):
    """Real Stripe leaves last_setup_error on the SetupIntent (localstripe cancels it instead)."""
    setup_id = typed_card(VISA_OK)
    customer = account.debtor.stripe_customer_id

    def failed_check(self, wanted):
        return gateway_module.setup_from(
            {
                "id": wanted,
                "status": "requires_payment_method",
                "client_secret": f"{wanted}_secret_x",
                "customer": customer,
                "payment_method": None,
                "last_setup_error": {
                    "code": "setup_intent_authentication_failure",
                    "type": "invalid_request_error",
                },
            }
        )

    monkeypatch.setattr(StripeGateway, "retrieve_setup_intent", failed_check)
    response = client.post("/pay", data={"setup_intent": setup_id})

    assert response.status_code == 402
    assert "security check with your bank was not completed" in _card_error(response.text)
    assert attempts_for(account) == []


def test_a_used_setup_intent_cannot_pay_twice(account, client, typed_card, localstripe):
    """One SetupIntent, one payment: posting it again (a second tab, a resent form) takes nothing."""
    assert client.post("/pay/part", data={"amount": "50.00"}).status_code == 303
    page = client.get("/pay/part/card")
    setup_id = confirm_card(localstripe, page.text, VISA_OK)
    assert client.post("/pay/part/card", data={"setup_intent": setup_id}).status_code == 303

    again = client.post("/pay/part/card", data={"setup_intent": setup_id})

    assert again.status_code == 400
    assert len(payments_for(account)) == 1


def test_a_setup_intent_posted_before_any_card_was_saved_asks_for_the_card(account, client):
    """The script posts the page's SetupIntent whenever Stripe refused the card; if Stripe never
    saw a whole card in it, the debtor is asked for one, and nothing is noted as a decline."""
    setup_id, _secret = page_setup(client.get("/pay").text)

    response = client.post("/pay", data={"setup_intent": setup_id})

    assert response.status_code == 400
    assert _card_error(response.text).endswith("Enter your card details")
    assert attempts_for(account) == []
    assert "payment_failed" not in event_kinds(account)


def test_a_bank_check_left_unfinished_lets_its_card_go_when_another_card_pays(
    account, client, typed_card, detached
):
    """Paying with a new card retires the intent still waiting for the bank: its card goes too."""
    client.post("/pay", data={"setup_intent": typed_card(NEEDS_3DS)})

    assert client.post("/pay", data={"setup_intent": typed_card(VISA_OK)}).status_code == 303

    first, second = attempts_for(account)
    assert (first.status, second.status) == (AttemptStatus.CANCELED, AttemptStatus.SUCCEEDED)
    assert sorted(detached) == sorted([first.stripe_payment_method_id, second.stripe_payment_method_id])


def test_a_replayed_form_with_an_old_session_cannot_pay_twice(account, client, localstripe):
    """The session forgets a used SetupIntent, but an old cookie remembers it: the database
    refuses the second payment all the same."""
    assert client.post("/pay/part", data={"amount": "50.00"}).status_code == 303
    setup_id = confirm_card(localstripe, client.get("/pay/part/card").text, VISA_OK)
    old_cookie = client.get_cookie("session").value
    assert client.post("/pay/part/card", data={"setup_intent": setup_id}).status_code == 303

    client.set_cookie("session", old_cookie)
    replayed = client.post("/pay/part/card", data={"setup_intent": setup_id})

    assert replayed.status_code == 303
    assert replayed.headers["Location"] == "/account"
    assert len(payments_for(account)) == 1
    assert len(attempts_for(account)) == 1


def test_the_card_page_says_so_when_stripe_cannot_give_it_a_setup_intent(account, client, monkeypatch):
    from portal.payments.gateway import GatewayUnavailable

    def unreachable(self, customer_id, *, key, usage="off_session", for_page=False):
        raise GatewayUnavailable("connection refused")

    monkeypatch.setattr(StripeGateway, "create_setup_intent", unreachable)
    page = client.get("/pay")

    assert page.status_code == 503
    assert "could not reach our card payment service" in _card_error(page.text)
    assert 'data-client-secret=""' in page.text, "no card form the script could start"
