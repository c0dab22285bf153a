"""Money Stripe took is always recorded, a retired attempt never confirms, and over-payments go back.

Issue 10, section 1: the extra charge of a race answered 500 at the webhook every time
(`InvalidTransition: canceled -> succeeded`), so that money was never recorded at all.
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.domain.transitions import ATTEMPT
from portal.extensions import db
from portal.models import AccountStatus, AttemptStatus, PaymentAttempt, Purpose
from portal.models.types import utcnow
from portal.payments import attempts, service
from portal.payments.gateway import get_gateway
from tests.helpers.cards import VISA_OK
from tests.helpers.plans import intents_for, stripe_client
from tests.helpers.records import attempts_for, event_kinds, payments_for
from tests.helpers.webhooks import stripe_signature

OWED = 106025


@pytest.fixture
def account(make_account, sign_in):
    account = make_account(reference="ACC-1")
    sign_in(account)
    return account


def _charges(localstripe, account) -> list[dict]:
    db.session.expire_all()
    listing = stripe_client(localstripe).v1.charges.list(
        params={"customer": account.debtor.stripe_customer_id, "limit": 100}
    )
    return [c.to_dict() for c in listing.data if c.status == "succeeded"]


def _retired_attempt_that_stripe_charged(account, saved_card, *, amount=OWED, keep_intent_id=True):
    """An attempt another request retired, whose intent Stripe confirmed anyway."""
    gateway = get_gateway()
    customer = service.customer_for(account)
    card = saved_card(customer, VISA_OK)
    attempt = PaymentAttempt(
        account_id=account.id,
        amount=amount,
        currency="USD",
        purpose=Purpose.FULL,
        idempotency_key=f"retired-{utcnow().timestamp()}",
        stripe_payment_method_id=card.id,
        card_brand="Visa",
        card_last4="4242",
    )
    db.session.add(attempt)
    db.session.flush()  # created, then retired as another tab's payment would retire it
    ATTEMPT.move(attempt, AttemptStatus.CANCELED)
    db.session.commit()
    intent = gateway.create_intent(
        amount=amount,
        currency="USD",
        customer_id=customer,
        card_id=card.id,
        key=attempt.idempotency_key,
        metadata={"account_id": str(account.id), "attempt_id": str(attempt.id)},
    )
    assert gateway.confirm_intent(intent.id).status == "succeeded"
    if keep_intent_id:
        attempt.stripe_payment_intent_id = intent.id
        db.session.commit()
    return attempt, intent.id


def _webhook(client, localstripe, intent_id: str):
    intent = stripe_client(localstripe).v1.payment_intents.retrieve(intent_id).to_dict()
    body = json.dumps(
        {
            "id": f"evt_{intent_id}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": intent},
        },
        default=str,
    ).encode()
    headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)}
    return client.post("/stripe/webhook", data=body, headers=headers)


def test_money_taken_for_a_retired_attempt_on_a_paid_account_is_recorded_and_all_refunded(
    account, client, typed_card, saved_card, localstripe, mailbox
):
    assert client.post("/pay", data={"setup_intent": typed_card(VISA_OK)}).status_code == 303
    attempt, intent_id = _retired_attempt_that_stripe_charged(account, saved_card)
    mailbox.clear()

    response = _webhook(client, localstripe, intent_id)

    assert response.status_code == 200
    late = next(p for p in payments_for(account) if p.stripe_payment_intent_id == intent_id)
    assert (late.amount, late.refunded, late.kept) == (OWED, OWED, 0)
    assert late.stripe_refund_id
    assert db.session.get(PaymentAttempt, attempt.id).status is AttemptStatus.SUCCEEDED
    db.session.refresh(account)
    assert account.balance.minor == 0 and account.status is AccountStatus.PAID
    refunded = {c["payment_intent"]: c["amount_refunded"] for c in _charges(localstripe, account)}
    assert refunded[intent_id] == OWED
    kinds = event_kinds(account)
    assert "overpayment_found" in kinds and "overpayment_refunded" in kinds
    (email,) = mailbox.wait_for(1)
    assert "giving $1,060.25 back to your card" in email.get_body(("plain",)).get_content()
    page = client.get(f"/receipt/{late.id}")
    assert "giving $1,060.25 back to your card" in re.sub(r"\s+", " ", page.text)


def test_a_late_charge_that_pays_more_than_is_left_keeps_what_was_owed_and_refunds_the_rest(
    account, client, typed_card, saved_card, localstripe
):
    assert client.post("/pay/part", data={"amount": "300.00"}).status_code == 303
    paid = client.post("/pay/part/card", data={"setup_intent": typed_card(VISA_OK, "/pay/part/card")})
    assert paid.status_code == 303
    _attempt, intent_id = _retired_attempt_that_stripe_charged(account, saved_card)

    assert _webhook(client, localstripe, intent_id).status_code == 200

    late = next(p for p in payments_for(account) if p.stripe_payment_intent_id == intent_id)
    assert (late.kept, late.refunded) == (OWED - 30000, 30000)
    db.session.refresh(account)
    assert account.balance.minor == 0 and account.status is AccountStatus.PAID
    overview = client.get("/account")
    assert overview.status_code == 200 and "-$" not in overview.text


def test_a_charge_whose_intent_id_never_reached_our_records_is_found_by_its_metadata(
    account, client, saved_card, localstripe
):
    attempt, intent_id = _retired_attempt_that_stripe_charged(account, saved_card, keep_intent_id=False)

    assert _webhook(client, localstripe, intent_id).status_code == 200

    (payment,) = payments_for(account)
    assert (payment.stripe_payment_intent_id, payment.attempt_id, payment.refunded) == (
        intent_id,
        attempt.id,
        0,
    )
    assert db.session.get(PaymentAttempt, attempt.id).stripe_payment_intent_id == intent_id


def test_metadata_naming_another_account_is_not_trusted(
    make_account, account, client, saved_card, localstripe
):
    attempt, intent_id = _retired_attempt_that_stripe_charged(account, saved_card, keep_intent_id=False)
    stranger = make_account(reference="ACC-2", email=None)
    db.session.execute(
        update(PaymentAttempt).where(PaymentAttempt.id == attempt.id).values(account_id=stranger.id)
    )
    db.session.commit()

    assert _webhook(client, localstripe, intent_id).status_code == 200
    assert payments_for(account) == [] and payments_for(stranger) == []


def test_an_attempt_retired_while_its_intent_is_made_never_confirms_it(
    account, client, typed_card, localstripe, monkeypatch
):
    gateway = get_gateway()
    real_create = gateway.create_intent

    def create_then_another_request_retires_the_attempt(**kwargs):
        intent = real_create(**kwargs)
        attempt_id = int(kwargs["metadata"]["attempt_id"])
        # What the other tab's retirement does to the row, on either version of the code.
        db.session.execute(
            update(PaymentAttempt)
            .where(PaymentAttempt.id == attempt_id)
            .values(status=AttemptStatus.CANCELED, live_account_id=None)
        )
        db.session.commit()
        return intent

    monkeypatch.setattr(gateway, "create_intent", create_then_another_request_retires_the_attempt)

    response = client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})

    assert response.status_code < 500
    assert _charges(localstripe, account) == []
    assert payments_for(account) == []
    (attempt,) = attempts_for(account)
    assert attempt.status is AttemptStatus.CANCELED and attempt.stripe_payment_intent_id is None
    (intent,) = intents_for(localstripe, account.debtor.stripe_customer_id)
    assert intent["status"] == "canceled"
    assert response.status_code == 409


def test_a_payment_still_going_through_is_waited_for_then_the_debtor_is_told(
    account, client, typed_card, localstripe, monkeypatch
):
    monkeypatch.setattr(attempts, "WAIT_SECONDS", 0.2)
    other = PaymentAttempt(
        account_id=account.id,
        live_account_id=account.id,
        amount=OWED,
        currency="USD",
        idempotency_key="in-flight",
        claimed_until=utcnow() + timedelta(minutes=5),
    )
    db.session.add(other)
    db.session.commit()

    response = client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})

    assert response.status_code == 409
    assert "Another payment on this account is still being processed" in response.text
    assert _charges(localstripe, account) == []
    assert db.session.get(PaymentAttempt, other.id).status is AttemptStatus.CREATED


def test_an_abandoned_attempt_whose_claim_lapsed_is_retired_and_the_payment_goes_through(
    account, client, typed_card, localstripe
):
    other = PaymentAttempt(
        account_id=account.id,
        live_account_id=account.id,
        amount=OWED,
        currency="USD",
        idempotency_key="abandoned",
        claimed_until=utcnow() - timedelta(seconds=1),
    )
    db.session.add(other)
    db.session.commit()

    response = client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})

    assert response.status_code == 303 and response.headers["Location"].startswith("/receipt/")
    db.session.expire_all()
    assert db.session.get(PaymentAttempt, other.id).status is AttemptStatus.CANCELED
    assert [c["amount"] for c in _charges(localstripe, account)] == [OWED]


def _stripe_unreachable(app):
    """Point the app's gateway at a port nobody answers, as when Stripe is down; returns the undo."""
    from portal.payments.gateway import StripeGateway
    from tests.helpers.servers import free_port

    real = get_gateway()
    app.extensions["portal.gateway"] = StripeGateway(
        app.config["STRIPE_SECRET_KEY"],
        f"http://127.0.0.1:{free_port()}",
        app.config["STRIPE_WEBHOOK_SECRET"],
        2,
    )
    return lambda: app.extensions.__setitem__("portal.gateway", real)


def test_a_refund_stripe_could_not_take_stays_due_and_reconcile_gives_it_back_once(
    app, account, client, typed_card, saved_card, localstripe
):
    from portal.payments.reconcile import Kind, reconcile

    localstripe.reset()  # reconcile reads every intent: start without other tests' ones
    assert client.post("/pay", data={"setup_intent": typed_card(VISA_OK)}).status_code == 303
    _attempt, intent_id = _retired_attempt_that_stripe_charged(account, saved_card)
    restore = _stripe_unreachable(app)
    assert _webhook(client, localstripe, intent_id).status_code == 200
    late = next(p for p in payments_for(account) if p.stripe_payment_intent_id == intent_id)
    assert (late.refunded, late.stripe_refund_id) == (OWED, None)
    assert "overpayment_refund_failed" in event_kinds(account)

    restore()
    first = reconcile()
    again = reconcile()

    assert [(d.kind, d.fixed) for d in first.differences] == [(Kind.REFUND_DUE, True)]
    assert again.differences == []
    db.session.refresh(late)
    assert late.stripe_refund_id
    refunded = {c["payment_intent"]: c["amount_refunded"] for c in _charges(localstripe, account)}
    assert refunded[intent_id] == OWED
    assert event_kinds(account).count("overpayment_refunded") == 1
