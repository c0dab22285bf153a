"""The only module that speaks to Stripe. The rest of the portal speaks in its own terms."""

from __future__ import annotations

import json
from collections.abc import Iterator

import stripe
from flask import current_app

from portal.payments.gateway_answers import (
    Card,
    CardDeclined,
    GatewayUnavailable,
    Intent,
    InvalidWebhook,
    Setup,
    UnknownIntent,
    intent_from,
    setup_from,
)

# The rest of the portal imports these from here, where it asks Stripe.
__all__ = [
    "Card",
    "CardDeclined",
    "GatewayUnavailable",
    "Intent",
    "InvalidWebhook",
    "Setup",
    "StripeGateway",
    "UnknownIntent",
    "get_gateway",
    "intent_from",
    "setup_from",
]


def _declined(error: stripe.CardError) -> CardDeclined:
    body = getattr(error, "json_body", None) or {}
    detail = body.get("error") or {}
    intent = detail.get("payment_intent") or {}
    code = detail.get("decline_code") or getattr(error, "code", None) or "card_declined"
    return CardDeclined(code, intent.get("id") if isinstance(intent, dict) else None)


class StripeGateway:
    """Stripe through its public API, at the configured base (empty means Stripe itself)."""

    def __init__(
        self,
        secret_key: str,
        api_base: str = "",
        webhook_secret: str = "",
        timeout: float = 30,
        page_timeout: float = 5,
    ):
        # Stripe's own default waits 80 s per try; a debtor should not stare at a spinner that long.
        self._client = _client(secret_key, api_base, timeout, retries=2)
        # Showing a card form only needs this visit's SetupIntent: such a page waits less and tries
        # twice, then says Stripe cannot be reached, rather than hold one of a few workers a minute.
        self._page_client = _client(secret_key, api_base, min(timeout, page_timeout), retries=1)
        self._webhook_secret = webhook_secret

    def ensure_customer(self, existing_id: str | None, *, key: str, name: str, email: str | None) -> str:
        if existing_id:
            return existing_id
        params = {"name": name}
        if email:
            params["email"] = email
        with _translate_errors():
            customer = self._client.v1.customers.create(params=params, options={"idempotency_key": key})
        return customer.id

    def create_intent(
        self,
        *,
        amount: int,
        currency: str,
        customer_id: str,
        card_id: str,
        key: str,
        metadata: dict[str, str],
    ) -> Intent:
        """Create (not yet confirm) a PaymentIntent for the card; *key* makes retries safe."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer_id,
            "payment_method": card_id,
            "payment_method_types": ["card"],
            "metadata": metadata,
        }
        with _translate_errors():
            obj = self._client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
        return intent_from(obj)

    def confirm_intent(self, intent_id: str) -> Intent:
        with _translate_errors():
            obj = self._client.v1.payment_intents.confirm(intent_id)
        return intent_from(obj)

    def retrieve_intent(self, intent_id: str) -> Intent:
        try:
            with _translate_errors():
                obj = self._client.v1.payment_intents.retrieve(intent_id)
        except GatewayUnavailable as error:
            if getattr(error.__cause__, "http_status", None) == 404:
                raise UnknownIntent(intent_id) from error
            raise
        return intent_from(obj)

    def list_intents(self, since: int | None = None, page_size: int = 100) -> Iterator[Intent]:
        """Every PaymentIntent created at or after *since* (Unix seconds), page by page."""
        params: dict = {"limit": page_size}
        if since is not None:
            params["created"] = {"gte": since}
        try:
            yield from self._pages(params)
        except _FilterRefused:
            # localstripe (the test stand-in) refuses created[...] on this list; Stripe accepts it.
            # Listing everything and filtering here gives the same answer, only more slowly.
            params.pop("created")
            for intent in self._pages(params):
                if intent.created is None or intent.created >= since:
                    yield intent

    def _pages(self, params: dict) -> Iterator[Intent]:
        params = dict(params)
        while True:
            try:
                with _translate_errors():
                    page = self._client.v1.payment_intents.list(params=params)
            except GatewayUnavailable as error:
                cause = error.__cause__
                if (
                    "created" in params
                    and isinstance(cause, stripe.InvalidRequestError)
                    and "created" in str(cause)
                    and "starting_after" not in params
                ):
                    raise _FilterRefused from error
                raise
            items = page.data
            for obj in items:
                yield intent_from(obj)
            if not page.has_more or not items:
                return
            params["starting_after"] = items[-1].id

    def cancel_intent(self, intent_id: str) -> Intent:
        with _translate_errors():
            obj = self._client.v1.payment_intents.cancel(intent_id)
        return intent_from(obj)

    def refund(self, intent_id: str, amount: int, *, key: str, metadata: dict[str, str] | None = None) -> str:
        """Give back *amount* of a succeeded intent to the card; *key* makes a retry safe. The refund id."""
        params = {"payment_intent": intent_id, "amount": amount}
        if metadata:
            params["metadata"] = metadata
        with _translate_errors():
            refund = self._client.v1.refunds.create(params=params, options={"idempotency_key": key})
        return refund.id

    def find_refund(self, intent_id: str, name: str, value: str) -> str | None:
        """The id of a refund of the intent whose metadata has *name* = *value*, or None.

        Asked before a refund whose first request went unanswered is asked again: a server that
        does not honour idempotency keys would otherwise refund twice.
        """
        params: dict = {"payment_intent": intent_id, "limit": 100}
        while True:
            with _translate_errors():
                page = self._client.v1.refunds.list(params=params)
            for refund in page.data:
                if (refund.to_dict().get("metadata") or {}).get(name) == value:
                    return refund.id
            if not page.has_more or not page.data:
                return None
            params["starting_after"] = page.data[-1].id

    def charge_saved_card(
        self,
        *,
        amount: int,
        currency: str,
        customer_id: str,
        payment_method_id: str,
        key: str,
        metadata: dict[str, str],
        off_session: bool,
    ) -> Intent:
        """Create and confirm in one call a PaymentIntent on a card saved earlier."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer_id,
            "payment_method": payment_method_id,
            "payment_method_types": ["card"],
            "metadata": metadata,
            "confirm": True,
        }
        if off_session:
            params["off_session"] = True
        with _translate_errors():
            obj = self._client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
        return intent_from(obj)

    def create_setup_intent(
        self, customer_id: str, *, key: str, usage: str = "off_session", for_page: bool = False
    ) -> Setup:
        """A SetupIntent that saves a card to the customer: "off_session" for a plan's later charges
        (with the debtor's consent), "on_session" for a card used only while the debtor is here.
        *for_page*: for a page being shown, with the page's shorter wait."""
        params = {"customer": customer_id, "usage": usage, "payment_method_types": ["card"]}
        client = self._page_client if for_page else self._client
        with _translate_errors():
            obj = client.v1.setup_intents.create(params=params, options={"idempotency_key": key})
        return setup_from(obj)

    def retrieve_setup_intent(self, setup_id: str, *, for_page: bool = False) -> Setup:
        client = self._page_client if for_page else self._client
        with _translate_errors():
            obj = client.v1.setup_intents.retrieve(setup_id)
        return setup_from(obj)

    def detach_card(self, payment_method_id: str) -> bool:
        """Detach a card from its customer for good; False when it was not attached (any more)."""
        with _translate_errors():
            data = self._client.v1.payment_methods.retrieve(payment_method_id).to_dict()
            if not data.get("customer"):
                return False
            self._client.v1.payment_methods.detach(payment_method_id)
        return True

    def card_details(self, payment_method_id: str) -> Card:
        with _translate_errors():
            data = self._client.v1.payment_methods.retrieve(payment_method_id).to_dict()
        card = data.get("card") or {}
        return Card(
            id=data["id"], brand=str(card.get("brand") or "").title(), last4=str(card.get("last4") or "")
        )

    def parse_webhook(self, payload: bytes, signature: str | None) -> dict:
        """Verify the signature on the raw body and return the event as a plain dict."""
        if not self._webhook_secret or not signature:
            raise InvalidWebhook("no signature or no secret configured")
        if not signature.isascii():
            # Stripe's check compares digests with hmac.compare_digest, which raises on non-ASCII text.
            raise InvalidWebhook("a signature is ASCII")
        try:
            text = payload.decode("utf-8")
            stripe.WebhookSignature.verify_header(
                text, signature, self._webhook_secret, stripe.Webhook.DEFAULT_TOLERANCE
            )
            event = json.loads(text)
        except (stripe.SignatureVerificationError, ValueError, RecursionError) as error:
            raise InvalidWebhook(type(error).__name__) from error
        if not isinstance(event, dict):
            raise InvalidWebhook("the body is not an event")
        return event


def _client(secret_key: str, api_base: str, timeout: float, *, retries: int) -> stripe.StripeClient:
    options = {"max_network_retries": retries, "http_client": stripe.RequestsClient(timeout=timeout)}
    if api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(secret_key or "sk_test_missing", **options)


class _FilterRefused(Exception):
    """The server would not filter a list by creation time."""


class _translate_errors:
    """Turn Stripe's exceptions into the portal's own two kinds."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None:
            return False
        if isinstance(error, stripe.CardError):
            raise _declined(error) from error
        if isinstance(error, stripe.StripeError):
            raise GatewayUnavailable(str(error)) from error
        return False


def get_gateway() -> StripeGateway:
    """The app's gateway, built once from its configuration."""
    app = current_app._get_current_object()
    gateway = app.extensions.get("portal.gateway")
    if gateway is None:
        gateway = StripeGateway(
            app.config["STRIPE_SECRET_KEY"],
            app.config["STRIPE_API_BASE"],
            app.config["STRIPE_WEBHOOK_SECRET"],
            app.config.get("STRIPE_TIMEOUT_SECONDS", 30),
            app.config.get("STRIPE_PAGE_TIMEOUT_SECONDS", 5),
        )
        app.extensions["portal.gateway"] = gateway
    return gateway
