"""Stripe's webhook: verify the signature on the raw body, then record what happened, once."""

from __future__ import annotations

import logging

from flask import Blueprint, request

from portal.extensions import csrf
from portal.payments import card_setup, service
from portal.payments.gateway import InvalidWebhook, get_gateway, intent_from

bp = Blueprint("webhook", __name__)
log = logging.getLogger("portal.webhook")


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    try:
        event = get_gateway().parse_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except InvalidWebhook:
        log.warning("webhook with a bad signature refused")
        return {"error": "invalid signature"}, 400
    data = event.get("data") if isinstance(event, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or obj.get("object") != "payment_intent":
        return {"received": True}, 200  # an event we do not act on
    kind = event.get("type")
    if kind in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        try:
            intent = intent_from(obj)
        except ValueError:
            # Signed, so from Stripe, yet unreadable: say so, and Stripe shows it as failed.
            log.warning("signed webhook with an unreadable PaymentIntent refused")
            return {"error": "unreadable payment intent"}, 400
        if kind == "payment_intent.succeeded":
            service.record_success(intent, source="webhook")
        elif kind == "payment_intent.payment_failed":
            service.record_failure_from_webhook(intent)
        if kind in ("payment_intent.succeeded", "payment_intent.payment_failed"):
            card_setup.release_for_intent(intent.id)
    return {"received": True}, 200
