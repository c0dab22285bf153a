"""Stripe's webhook: only signed events count, and each payment is recorded exactly once."""

from __future__ import annotations

import logging
import time

import pytest

from portal.domain.transitions import ATTEMPT
from portal.extensions import db
from portal.models import AccountStatus, AttemptStatus, Event, Payment, PaymentAttempt
from tests.helpers.cards import VISA_OK
from tests.helpers.records import attempts_for, count, event_kinds, payments_for
from tests.helpers.webhooks import intent_event, stripe_signature

INTENT = "pi_test_webhook_1"


@pytest.fixture
def waiting_attempt(make_account):
    """An account with an attempt waiting at Stripe, as after the browser started 3-D Secure."""
    account = make_account()
    attempt = PaymentAttempt(
        account_id=account.id,
        live_account_id=account.id,
        amount=106025,
        currency="USD",
        idempotency_key="test-attempt-1",
        stripe_payment_intent_id=INTENT,
        card_brand="Visa",
        card_last4="4242",
    )
    db.session.add(attempt)
    db.session.flush()  # created, then moved on as the payment service would
    ATTEMPT.move(attempt, AttemptStatus.REQUIRES_ACTION)
    db.session.commit()
    return account


def _post(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/stripe/webhook", data=body, headers=headers)


def _bad_signatures(body: bytes) -> dict[str, str | None]:
    return {
        "missing": None,
        "empty": "",
        "garbage": "nonsense",
        "wrong secret": stripe_signature(body, secret="whsec_someone_else"),
        "too old": stripe_signature(body, timestamp=int(time.time()) - 3600),
        "for another body": stripe_signature(body.replace(b"106025", b"1")),
        "v0 only": stripe_signature(body).replace("v1=", "v0="),
    }


@pytest.mark.parametrize("case", list(_bad_signatures(b"")))
def test_a_bad_or_missing_signature_gets_400_and_records_nothing(client, waiting_attempt, mailbox, case):
    body = intent_event(INTENT)
    events_before = count(Event)

    response = _post(client, body, _bad_signatures(body)[case])

    assert response.status_code == 400
    assert count(Payment) == 0
    assert count(Event) == events_before
    assert attempts_for(waiting_attempt)[0].status is AttemptStatus.REQUIRES_ACTION
    assert mailbox.messages == []


def test_a_refused_webhook_is_logged_as_a_warning(client, waiting_attempt, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    body = intent_event(INTENT)
    assert _post(client, body, "nonsense").status_code == 400
    assert [r.levelno for r in caplog.records if r.name.startswith("portal")] == [logging.WARNING]


def test_a_signed_success_records_one_payment(client, waiting_attempt, mailbox):
    response = _post(client, intent_event(INTENT), stripe_signature(intent_event(INTENT)))

    assert response.status_code == 200
    (payment,) = payments_for(waiting_attempt)
    assert (payment.amount, payment.currency, payment.stripe_payment_intent_id) == (
        106025,
        "USD",
        INTENT,
    )
    (attempt,) = attempts_for(waiting_attempt)
    assert attempt.status is AttemptStatus.SUCCEEDED
    assert attempt.live_account_id is None
    db.session.refresh(waiting_attempt)
    assert waiting_attempt.status is AccountStatus.PAID
    assert event_kinds(waiting_attempt)[-4:] == [
        "payment_succeeded",
        "account_paid",
        "message_queued",
        "receipt_sent",
    ]
    assert len(mailbox.wait_for(1)) == 1


def test_the_same_event_twice_records_one_payment(client, waiting_attempt, mailbox):
    body = intent_event(INTENT)
    assert _post(client, body, stripe_signature(body)).status_code == 200
    assert _post(client, body, stripe_signature(body)).status_code == 200

    assert len(payments_for(waiting_attempt)) == 1
    assert event_kinds(waiting_attempt).count("payment_succeeded") == 1
    assert len(mailbox.arrived()) == 1


def test_a_second_event_with_a_new_id_for_the_same_intent_records_nothing_more(client, waiting_attempt):
    for event_id in ("evt_a", "evt_b"):
        body = intent_event(INTENT, event_id=event_id)
        assert _post(client, body, stripe_signature(body)).status_code == 200
    assert len(payments_for(waiting_attempt)) == 1
    assert event_kinds(waiting_attempt).count("payment_succeeded") == 1


def test_an_event_for_an_unknown_intent_is_acknowledged_and_records_nothing(client, waiting_attempt, mailbox):
    events_before = count(Event)
    body = intent_event("pi_nobody_knows")

    response = _post(client, body, stripe_signature(body))

    assert response.status_code == 200
    assert count(Payment) == 0
    assert count(Event) == events_before
    assert mailbox.messages == []


def test_an_unrelated_event_type_is_acknowledged_and_ignored(client, waiting_attempt):
    events_before = count(Event)
    body = intent_event(INTENT, kind="payment_intent.created", status="requires_payment_method")
    assert _post(client, body, stripe_signature(body)).status_code == 200
    assert count(Payment) == 0
    assert count(Event) == events_before


def test_a_signed_failure_fails_the_waiting_attempt(client, waiting_attempt):
    body = intent_event(INTENT, kind="payment_intent.payment_failed", status="requires_payment_method")
    assert _post(client, body, stripe_signature(body)).status_code == 200
    (attempt,) = attempts_for(waiting_attempt)
    assert attempt.status is AttemptStatus.FAILED
    assert attempt.live_account_id is None
    assert count(Payment) == 0
    assert event_kinds(waiting_attempt)[-1] == "payment_failed"


def test_money_taken_for_an_attempt_marked_failed_is_still_recorded(client, waiting_attempt):
    """If our cancel call failed, the money may still be taken; Stripe has the last word."""
    attempt = attempts_for(waiting_attempt)[0]
    attempt.status, attempt.live_account_id = AttemptStatus.FAILED, None
    db.session.commit()
    body = intent_event(INTENT)

    response = _post(client, body, stripe_signature(body))

    assert response.status_code == 200
    db.session.rollback()
    assert len(payments_for(waiting_attempt)) == 1
    assert event_kinds(waiting_attempt).count("payment_succeeded") == 1


def test_the_webhook_after_the_browser_recorded_the_payment_records_nothing_more(
    sign_in, make_account, client, typed_card, mailbox
):
    account = make_account()
    sign_in(account)
    assert client.post("/pay", data={"setup_intent": typed_card(VISA_OK)}).status_code == 303
    (payment,) = payments_for(account)
    mailbox.wait_for(1)

    body = intent_event(payment.stripe_payment_intent_id, amount=payment.amount)
    response = _post(client, body, stripe_signature(body))

    assert response.status_code == 200
    assert len(payments_for(account)) == 1
    assert event_kinds(account).count("payment_succeeded") == 1
    assert len(mailbox.arrived()) == 1
