"""Stripe's webhooks delivered three times each, shuffled, several at once, one in ten never: then reconcile.

Stripe promises at-least-once delivery in no particular order, and a webhook can be lost for good.
The events are the ones localstripe produced for charges the portal started; each delivery is signed
afresh with the webhook secret, as Stripe signs every delivery attempt.
"""

from __future__ import annotations

import json
import random
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AttemptStatus, Event, Payment, PaymentAttempt, Purpose
from portal.payments import service
from portal.payments.gateway import Card, CardDeclined, get_gateway
from tests.helpers import scale
from tests.helpers.cards import DECLINED_ON_CHARGE, SECRET_KEY, VISA_OK
from tests.helpers.plans import stripe_client
from tests.helpers.webhooks import stripe_signature

SUITE = "webhook replay"
DELIVERIES = 3
DROPPED = 0.10
THREADS = 4


def _get(localstripe, path: str, **params) -> dict:
    url = f"{localstripe.url}{path}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {SECRET_KEY}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def _listed(localstripe, path: str, **params) -> list[dict]:
    found, after = [], {}
    while True:
        page = _get(localstripe, path, limit=100, **params, **after)
        found += page["data"]
        if not page["has_more"] or not page["data"]:
            return found
        after = {"starting_after": page["data"][-1]["id"]}


def _saved_card(localstripe, customer: str, number: str) -> Card:
    """A card PaymentMethod made at localstripe and attached to the customer, as a confirmed
    SetupIntent leaves it; read back through the portal's gateway, as the card step does."""
    client = stripe_client(localstripe)
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.payment_methods.attach(method.id, params={"customer": customer})
    return get_gateway().card_details(method.id)


def _charges(localstripe, make_account, succeeding: int, failing: int) -> None:
    """Start charges as the portal does (attempt first, then Stripe) and lose every answer."""
    gateway = get_gateway()
    first = make_account(reference="R-0")
    customer = service.customer_for(first)
    good = _saved_card(localstripe, customer, VISA_OK)
    bad = _saved_card(localstripe, customer, DECLINED_ON_CHARGE)
    for number in range(succeeding + failing):
        account = (
            first if number == 0 else make_account(reference=f"R-{number}", email=f"r{number}@example.com")
        )
        card = good if number < succeeding else bad
        attempt = service.new_attempt(account, service.Charge(Purpose.FULL, account.balance.minor), card)
        db.session.commit()
        intent = gateway.create_intent(
            amount=attempt.amount,
            currency=attempt.currency,
            customer_id=customer,
            card_id=card.id,
            key=attempt.idempotency_key,
            metadata={"account_id": str(account.id), "attempt_id": str(attempt.id)},
        )
        attempt.stripe_payment_intent_id = intent.id
        db.session.commit()
        try:
            gateway.confirm_intent(intent.id)
        except CardDeclined:
            pass


def _deliver(app, body: bytes) -> int:
    headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_signature(body)}
    return app.test_client().post("/stripe/webhook", data=body, headers=headers).status_code


def test_webhooks_replayed_shuffled_and_partly_lost_then_reconciled(app, localstripe, make_account, runner):
    localstripe.reset()  # intents of earlier tests name attempt ids that repeat in this database
    succeeding = scale.pick(60, 1000)
    failing = succeeding // 10
    _charges(localstripe, make_account, succeeding, failing)
    events = _listed(localstripe, "/v1/events", type="payment_intent.succeeded") + _listed(
        localstripe, "/v1/events", type="payment_intent.payment_failed"
    )
    assert len(events) == succeeding + failing
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0  # every answer was lost

    shuffle = random.Random(10)  # noqa: S311 - a reproducible test order, not a secret
    never_sent = set(shuffle.sample(range(len(events)), round(len(events) * DROPPED)))
    deliveries = [
        json.dumps(event).encode()
        for n, event in enumerate(events)
        if n not in never_sent
        for _ in range(DELIVERIES)
    ]
    shuffle.shuffle(deliveries)
    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        answers = Counter(pool.map(lambda body: _deliver(app, body), deliveries))
    delivery_seconds = time.monotonic() - started

    result = runner.invoke(args=["reconcile", "--grace-minutes", "0"])
    again = runner.invoke(args=["reconcile", "--grace-minutes", "0"])

    db.session.expire_all()
    intents = _listed(localstripe, "/v1/payment_intents")
    succeeded = {i["id"] for i in intents if i["status"] == "succeeded"}
    recorded = Counter(db.session.scalars(select(Payment.stripe_payment_intent_id)).all())
    unrecorded = sum(1 for intent_id in succeeded if recorded[intent_id] != 1)
    recorded_not_taken = sum(1 for intent_id in recorded if intent_id not in succeeded)
    per_account = Counter(
        db.session.scalars(select(Event.account_id).where(Event.kind == "payment_succeeded")).all()
    )
    payments_per_account = Counter(db.session.scalars(select(Payment.account_id)).all())
    statuses = Counter(db.session.scalars(select(PaymentAttempt.status)).all())
    server_errors = sum(n for status, n in answers.items() if status >= 500)

    scale.figure(SUITE, "charges started", succeeding + failing, "intents")
    scale.figure(SUITE, "webhooks delivered", len(deliveries), "deliveries")
    scale.figure(SUITE, "events never delivered", len(never_sent), "events")
    scale.figure(SUITE, "delivery time", round(delivery_seconds, 2), "s")
    scale.figure(SUITE, "server errors seen", server_errors, "responses")
    scale.figure(SUITE, "unrecorded charges seen", unrecorded, "charges")
    scale.figure(SUITE, "payments recorded twice", sum(1 for n in recorded.values() if n > 1), "payments")

    assert answers == {200: len(deliveries)}, answers
    assert result.exit_code == 0, result.output
    lost_successes = sum(1 for n in never_sent if n < succeeding)  # the succeeded events come first
    assert f"unrecorded_payment: {lost_successes} fixed, 0 reported" in result.output
    assert again.exit_code == 0 and "No differences." in again.output, again.output
    assert len(succeeded) == succeeding
    assert unrecorded == 0 and recorded_not_taken == 0
    assert per_account == payments_per_account  # one payment_succeeded per payment, on its own timeline
    assert set(per_account.values()) == {1}
    assert statuses == {AttemptStatus.SUCCEEDED: succeeding, AttemptStatus.FAILED: failing}
