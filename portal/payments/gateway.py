"""The only module that speaks to Stripe. The rest of the portal speaks in its own terms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import stripe
from flask import current_app


class CardDeclined(Exception):
    """The card was refused; *code* is Stripe's error or decline code, *intent_id* the intent if any."""

    def __init__(self, code: str, intent_id: str | None = None):
        super().__init__(code)
        self.code = code
        self.intent_id = intent_id

    @property
    def needs_authentication(self) -> bool:
        """An off-session charge the bank will take once the debtor confirms it on the site."""
        return self.code == "authentication_required" and bool(self.intent_id)


class GatewayUnavailable(Exception):
    """Stripe could not be reached or answered with an error that is not about the card."""


class UnknownIntent(GatewayUnavailable):
    """Stripe answered that no such PaymentIntent exists."""


class InvalidWebhook(Exception):
    """A webhook whose signature does not verify."""


#: Stripe's statuses of an intent (payment or setup) that is not finished yet.
_UNFINISHED = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})


@dataclass(frozen=True)
class Card:
    id: str
    brand: str
    last4: str


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str | None
    error_code: str | None = None
    #: Our attempt and account, as we wrote them in the intent's metadata: how a charge whose
    #: intent id never reached our records is still matched to its attempt.
    attempt_id: int | None = None
    account_id: int | None = None
    #: When Stripe created it (Unix seconds): how reconcile picks the intents of a period.
    created: int | None = None

    # Stripe's status words stay here: the rest of the portal asks these.
    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def needs_authentication(self) -> bool:
        """The debtor's bank wants them to confirm the payment (3-D Secure)."""
        return self.status == "requires_action"

    @property
    def processing(self) -> bool:
        return self.status == "processing"

    @property
    def needs_payment_method(self) -> bool:
        """No card has been charged in it: none given yet, or the last one was refused."""
        return self.status == "requires_payment_method"

    @property
    def still_usable(self) -> bool:
        """Not finished yet: it could still be confirmed, so it can still take money."""
        return self.status in _UNFINISHED

    @property
    def canceled(self) -> bool:
        return self.status == "canceled"

    @property
    def cancellable(self) -> bool:
        """No money has moved and Stripe still allows a cancel."""
        return self.status in _UNFINISHED or self.status == "requires_capture"

    @property
    def never_confirmed(self) -> bool:
        """Created with a card but never confirmed: nobody is finishing it."""
        return self.status == "requires_confirmation"

    @property
    def closeness_to_paid(self) -> int:
        """0 when it took the money, 1 processing, 2 waiting on the bank, 3 anything else."""
        rank = {"succeeded": 0, "processing": 1, "requires_action": 2, "requires_capture": 2}
        return rank.get(self.status, 3)


def _metadata_id(metadata, name: str) -> int | None:
    value = str(metadata.get(name) or "") if isinstance(metadata, dict) else ""
    return int(value) if value.isdigit() else None


#: The most an amount column holds (a 32-bit integer); a larger amount cannot be a real payment.
_AMOUNT_LIMIT = 2**31 - 1


def intent_from(obj) -> Intent:
    """Read a PaymentIntent (an API object or a webhook dict) into our Intent.

    Raises ValueError if it is not shaped like one (a signed event can still carry anything).
    """
    if hasattr(obj, "to_dict"):
        obj = obj.to_dict()
    if not isinstance(obj, dict):
        raise ValueError("not a PaymentIntent")
    intent_id, status, amount, currency = (obj.get(k) for k in ("id", "status", "amount", "currency"))
    if not (_plain_text(intent_id) and _plain_text(status)):
        raise ValueError("a PaymentIntent needs an id and a status")
    if type(amount) is not int or not 0 <= amount <= _AMOUNT_LIMIT:
        raise ValueError("a PaymentIntent's amount is a whole number of minor units")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise ValueError("a PaymentIntent's currency is a three-letter code")
    error = obj.get("last_payment_error")
    error = error if isinstance(error, dict) else {}
    code = error.get("decline_code") or error.get("code")
    secret = obj.get("client_secret")
    return Intent(
        id=intent_id,
        status=status,
        amount=amount,
        currency=currency.upper(),
        client_secret=secret if _plain_text(secret) else None,
        error_code=code if _plain_text(code) else None,
        attempt_id=_metadata_id(obj.get("metadata"), "attempt_id"),
        account_id=_metadata_id(obj.get("metadata"), "account_id"),
        created=obj["created"] if type(obj.get("created")) is int else None,
    )


def _plain_text(value) -> bool:
    """A non-empty string with no control characters: safe to compare with and to store."""
    return isinstance(value, str) and 0 < len(value) <= 255 and value.isprintable()


def _setup(obj) -> Setup:
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    error = data.get("last_setup_error") or {}
    return Setup(
        id=data["id"],
        status=data["status"],
        client_secret=data.get("client_secret"),
        customer=data.get("customer"),
        payment_method=data.get("payment_method"),
        error_code=(error.get("decline_code") or error.get("code")) if error else None,
    )


def _declined(error: stripe.CardError) -> CardDeclined:
    body = getattr(error, "json_body", None) or {}
    detail = body.get("error") or {}
    intent = detail.get("payment_intent") or {}
    code = detail.get("decline_code") or getattr(error, "code", None) or "card_declined"
    return CardDeclined(code, intent.get("id") if isinstance(intent, dict) else None)


@dataclass(frozen=True)
class Setup:
    id: str
    status: str
    client_secret: str | None
    customer: str | None
    payment_method: str | None
    error_code: str | None = None

    @property
    def saved(self) -> bool:
        """The card is saved: the SetupIntent succeeded."""
        return self.status == "succeeded"

    @property
    def needs_payment_method(self) -> bool:
        """No card is saved in it: none given yet, or the last one was refused."""
        return self.status == "requires_payment_method"

    @property
    def still_usable(self) -> bool:
        """Not finished yet: the same SetupIntent can still take the debtor's card."""
        return self.status in _UNFINISHED


class StripeGateway:
    """Stripe through its public API, at the configured base (empty means Stripe itself)."""

    def __init__(self, secret_key: str, api_base: str = "", webhook_secret: str = "", timeout: float = 30):
        # Stripe's own default waits 80 s per try; a debtor should not stare at a spinner that long.
        options = {"max_network_retries": 2, "http_client": stripe.RequestsClient(timeout=timeout)}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self._client = stripe.StripeClient(secret_key or "sk_test_missing", **options)
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

    def refund(self, intent_id: str, amount: int, *, key: str) -> str:
        """Give back *amount* of a succeeded intent to the card; *key* makes a retry safe. The refund id."""
        params = {"payment_intent": intent_id, "amount": amount}
        with _translate_errors():
            refund = self._client.v1.refunds.create(params=params, options={"idempotency_key": key})
        return refund.id

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

    def create_setup_intent(self, customer_id: str, *, key: str, usage: str = "off_session") -> Setup:
        """A SetupIntent that saves a card to the customer: "off_session" for a plan's later charges
        (with the debtor's consent), "on_session" for a card used only while the debtor is here."""
        params = {"customer": customer_id, "usage": usage, "payment_method_types": ["card"]}
        with _translate_errors():
            obj = self._client.v1.setup_intents.create(params=params, options={"idempotency_key": key})
        return _setup(obj)

    def retrieve_setup_intent(self, setup_id: str) -> Setup:
        with _translate_errors():
            obj = self._client.v1.setup_intents.retrieve(setup_id)
        return _setup(obj)

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
        )
        app.extensions["portal.gateway"] = gateway
    return gateway
