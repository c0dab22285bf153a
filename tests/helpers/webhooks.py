"""Stripe's webhooks as the portal receives them: a signature and a PaymentIntent event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from tests.helpers.settings import WEBHOOK_SECRET


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
