"""Fixtures for payment tests: cards typed and saved at localstripe, intents read back and
authenticated. Card numbers, webhooks and record readers are in tests/helpers/."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.helpers.cards import PUBLISHABLE_KEY, SECRET_KEY, VISA_OK, type_card


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
