"""Helpers for payment tests: cards typed at localstripe, signed webhooks, and counts."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Payment, PaymentAttempt
from portal.models.payments import LIVE_STATUSES
from tests.conftest import WEBHOOK_SECRET
from tests.payments.typed_cards import type_card

PUBLISHABLE_KEY = "pk_test_portal"
SECRET_KEY = "sk_test_portal"  # noqa: S105 - localstripe's test key, not a secret

VISA_OK = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches to a customer, then fails when charged
DECLINED_ON_SAVE = "4000000000000002"
NEEDS_3DS = "4000002500003155"


def _call(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str = "GET") -> dict:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


@pytest.fixture
def typed_card(client, localstripe):
    """Type a test card into the pay page's SetupIntent, as Stripe.js would; returns its id."""

    def make(number: str, path: str = "/pay", **options) -> str:
        return type_card(client, localstripe, path, number, **options)

    return make


@pytest.fixture
def stripe_intent(localstripe):
    """Read a PaymentIntent back from localstripe with the secret key."""

    def read(intent_id: str) -> dict:
        return _call(
            f"{localstripe.url}/v1/payment_intents/{intent_id}",
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
        )

    return read


@pytest.fixture
def authenticate_3ds(localstripe):
    """Finish (or fail) the bank's 3-D Secure check at localstripe, as the browser would."""

    def finish(intent_id: str, client_secret: str, success: bool) -> dict:
        body = json.dumps({"key": PUBLISHABLE_KEY, "client_secret": client_secret}).encode()
        return _call(
            f"{localstripe.url}/v1/payment_intents/{intent_id}/_authenticate?success={str(success).lower()}",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )

    return finish


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def intent_event(
    intent_id: str,
    kind: str = "payment_intent.succeeded",
    amount: int = 106025,
    currency: str = "usd",
    status: str = "succeeded",
    event_id: str = "evt_test_1",
) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "api_version": "2020-08-27",
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": amount,
                    "currency": currency,
                    "status": status,
                    "client_secret": f"{intent_id}_secret_x",
                    "last_payment_error": None,
                }
            },
        }
    ).encode()


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def payments_for(account) -> list[Payment]:
    db.session.expire_all()
    return db.session.scalars(select(Payment).where(Payment.account_id == account.id)).all()


def attempts_for(account) -> list[PaymentAttempt]:
    db.session.expire_all()
    return db.session.scalars(
        select(PaymentAttempt).where(PaymentAttempt.account_id == account.id).order_by(PaymentAttempt.id)
    ).all()


def live_attempts(account) -> list[PaymentAttempt]:
    return [a for a in attempts_for(account) if a.status in LIVE_STATUSES]


def event_kinds(account) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()


@pytest.fixture
def saved_card(localstripe):
    """A card saved on a customer at localstripe, as a confirmed SetupIntent leaves it: a
    PaymentMethod made from the card's fields and attached; returned as the gateway's Card."""
    import urllib.parse

    from portal.payments.gateway import Card

    def save(customer_id: str, number: str = VISA_OK) -> Card:
        auth = {"Authorization": f"Bearer {SECRET_KEY}", "Content-Type": "application/x-www-form-urlencoded"}
        fields = {
            "type": "card",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        }
        made = _call(
            f"{localstripe.url}/v1/payment_methods",
            data=urllib.parse.urlencode(fields).encode(),
            headers=auth,
            method="POST",
        )
        attached = _call(
            f"{localstripe.url}/v1/payment_methods/{made['id']}/attach",
            data=urllib.parse.urlencode({"customer": customer_id}).encode(),
            headers=auth,
            method="POST",
        )
        assert attached["customer"] == customer_id, attached
        card = attached.get("card") or {}
        return Card(
            id=attached["id"], brand=str(card.get("brand") or "").title(), last4=str(card.get("last4") or "")
        )

    return save
