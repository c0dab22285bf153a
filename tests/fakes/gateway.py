"""A payment gateway in memory, with StripeGateway's methods and answers, for unit tests.

It answers as the real gateway does against localstripe (tests/fakes/test_gateway_contract.py
holds the two to the same scenarios); test card numbers pick what a card does, as there.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from portal.payments.gateway import (
    Card,
    CardDeclined,
    GatewayUnavailable,
    Intent,
    Setup,
    StripeGateway,
    UnknownIntent,
)

VISA_OK = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches to a customer, then fails when charged
DECLINED_ON_SAVE = "4000000000000002"
NEEDS_3DS = "4000002500003155"

# The numbers localstripe gives these behaviours (the same lists as its resources.py).
_DECLINED_ON_SAVE = {
    "4000000000000002",
    "4000000000009995",
    "4000000000009987",
    "4000000000009979",
    "4000000000000069",
    "4000000000000127",
    "4000000000000119",
}
_DECLINED_ON_CHARGE = {"4000000000000341", "4000008260003178", "4000008400001629"}
_NEEDS_3DS = {
    "4000002500003155",
    "4000002760003184",
    "4000008260003178",
    "4000000000003220",
    "4000000000003063",
    "4000008400001629",
}
_BRANDS = {"4": "Visa", "5": "Mastercard", "3": "Amex"}


@dataclass
class _Card:
    id: str
    number: str
    customer: str | None = None


@dataclass
class _PaymentIntent:
    id: str
    amount: int
    currency: str
    customer: str | None
    card: str | None
    metadata: dict[str, str]
    created: int
    client_secret: str
    status: str = "requires_confirmation"
    error_code: str | None = None

    def intent(self) -> Intent:
        return Intent(
            id=self.id,
            status=self.status,
            amount=self.amount,
            currency=self.currency.upper(),
            client_secret=self.client_secret,
            error_code=self.error_code,
            attempt_id=_number(self.metadata.get("attempt_id")),
            account_id=_number(self.metadata.get("account_id")),
            created=self.created,
        )


@dataclass
class _SetupIntent:
    id: str
    customer: str
    usage: str
    client_secret: str
    status: str = "requires_payment_method"
    card: str | None = None

    def setup(self) -> Setup:
        return Setup(
            id=self.id,
            status=self.status,
            client_secret=self.client_secret,
            customer=self.customer,
            payment_method=self.card,
        )


def _number(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@dataclass
class FakeGateway:
    """Customers, cards, setup and payment intents and refunds, kept in dictionaries."""

    webhook_secret: str = ""
    customers: dict[str, dict] = field(default_factory=dict)
    cards: dict[str, _Card] = field(default_factory=dict)
    payment_intents: dict[str, _PaymentIntent] = field(default_factory=dict)
    setup_intents: dict[str, _SetupIntent] = field(default_factory=dict)
    refunds: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: Set to an exception to make every call raise it: Stripe being down.
    down: Exception | None = None
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def _call(self) -> None:
        if self.down is not None:
            raise self.down

    def _customer(self, customer_id: str) -> None:
        if customer_id not in self.customers:
            raise GatewayUnavailable(f"No such customer: {customer_id}")

    def _card(self, card_id: str) -> _Card:
        if card_id not in self.cards:
            raise GatewayUnavailable(f"No such payment_method: {card_id}")
        return self.cards[card_id]

    def _payment_intent(self, intent_id: str) -> _PaymentIntent:
        self._call()
        if intent_id not in self.payment_intents:
            raise UnknownIntent(intent_id)
        return self.payment_intents[intent_id]

    # The gateway's interface, as portal/payments/gateway.py defines it.

    def ensure_customer(self, existing_id: str | None, *, key: str, name: str, email: str | None) -> str:
        if existing_id:
            return existing_id
        self._call()
        customer_id = self._new_id("cus")
        self.customers[customer_id] = {"name": name, "email": email}
        return customer_id

    def create_intent(self, *, amount, currency, customer_id, card_id, key, metadata) -> Intent:
        return self._create(amount, currency, customer_id, card_id, metadata).intent()

    def _create(self, amount, currency, customer_id, card_id, metadata) -> _PaymentIntent:
        self._call()
        if not (isinstance(amount, int) and amount > 0):
            raise GatewayUnavailable("Bad request")
        self._customer(customer_id)
        self._card(card_id)
        intent_id = self._new_id("pi")
        intent = _PaymentIntent(
            id=intent_id,
            amount=amount,
            currency=currency.lower(),
            customer=customer_id,
            card=card_id,
            metadata={k: str(v) for k, v in metadata.items()},
            created=int(time.time()),
            client_secret=f"{intent_id}_secret_fake",
        )
        self.payment_intents[intent_id] = intent
        return intent

    def confirm_intent(self, intent_id: str) -> Intent:
        intent = self._payment_intent(intent_id)
        if intent.status != "requires_confirmation":
            raise GatewayUnavailable("Bad request")
        self._confirm(intent)
        return intent.intent()

    def _confirm(self, intent: _PaymentIntent) -> None:
        number = self.cards[intent.card].number
        if number in _NEEDS_3DS:
            intent.status = "requires_action"
        else:
            self._charge(intent)

    def _charge(self, intent: _PaymentIntent) -> None:
        if self.cards[intent.card].number in _DECLINED_ON_CHARGE:
            intent.status, intent.error_code = "requires_payment_method", "card_declined"
            # localstripe, like Stripe, answers a refused confirm with a card error (402).
            raise CardDeclined("card_declined")
        intent.status = "succeeded"

    def retrieve_intent(self, intent_id: str) -> Intent:
        return self._payment_intent(intent_id).intent()

    def list_intents(self, since: int | None = None, page_size: int = 100) -> Iterator[Intent]:
        self._call()
        for intent in list(self.payment_intents.values()):
            if since is None or intent.created >= since:
                yield intent.intent()

    def cancel_intent(self, intent_id: str) -> Intent:
        intent = self._payment_intent(intent_id)
        if not intent.intent().cancellable:
            raise GatewayUnavailable("Bad request")
        intent.status = "canceled"
        return intent.intent()

    def refund(self, intent_id: str, amount: int, *, key: str) -> str:
        intent = self._payment_intent(intent_id)
        if not (isinstance(amount, int) and amount > 0) or intent.status == "requires_payment_method":
            raise GatewayUnavailable("Cannot refund a failed payment.")
        if intent.status != "succeeded":
            raise GatewayUnavailable("Bad request")
        refund_id = self._new_id("re")
        self.refunds[refund_id] = (intent_id, amount)
        return refund_id

    def charge_saved_card(
        self, *, amount, currency, customer_id, payment_method_id, key, metadata, off_session
    ) -> Intent:
        intent = self._create(amount, currency, customer_id, payment_method_id, metadata)
        self._confirm(intent)
        return intent.intent()

    def create_setup_intent(
        self, customer_id: str, *, key: str, usage: str = "off_session", for_page: bool = False
    ) -> Setup:
        self._call()
        # localstripe does not look the customer up here (Stripe would); the fake answers alike.
        if usage not in ("off_session", "on_session"):
            raise GatewayUnavailable("Bad request")
        setup_id = self._new_id("seti")
        setup = _SetupIntent(setup_id, customer_id, usage, f"{setup_id}_secret_fake")
        self.setup_intents[setup_id] = setup
        return setup.setup()

    def retrieve_setup_intent(self, setup_id: str, *, for_page: bool = False) -> Setup:
        self._call()
        if setup_id not in self.setup_intents:
            raise GatewayUnavailable(f"No such setup_intent: {setup_id}")
        return self.setup_intents[setup_id].setup()

    def detach_card(self, payment_method_id: str) -> bool:
        self._call()
        card = self._card(payment_method_id)
        if not card.customer:
            return False
        card.customer = None
        return True

    def card_details(self, payment_method_id: str) -> Card:
        self._call()
        card = self._card(payment_method_id)
        return Card(id=card.id, brand=_BRANDS.get(card.number[0], ""), last4=card.number[-4:])

    def parse_webhook(self, payload: bytes, signature: str | None) -> dict:
        # Checking a signature needs no network: the real code does it, so the two cannot differ.
        return StripeGateway("sk_test_fake", webhook_secret=self.webhook_secret).parse_webhook(
            payload, signature
        )

    # What the debtor's browser does at Stripe (Stripe.js), and what a test sets up around it.

    def new_card(self, number: str, customer_id: str | None = None) -> str:
        """A card as Stripe.js creates it from what was typed; attached to *customer_id* if given."""
        card = _Card(self._new_id("pm"), number)
        self.cards[card.id] = card
        if customer_id:
            self._customer(customer_id)
            if number in _DECLINED_ON_SAVE:
                raise CardDeclined("card_declined")
            card.customer = customer_id
        return card.id

    def type_card(self, setup_id: str, number: str, *, bank_check: bool = True) -> str:
        """Confirm a SetupIntent with *number*, passing (or failing) the bank's check if it asks,
        as tests/payments/typed_cards.py does at localstripe; returns the SetupIntent's id."""
        setup = self.setup_intents[setup_id]
        setup.card = self.new_card(number)
        if number in _DECLINED_ON_SAVE:
            setup.status = "canceled"
        elif number in _NEEDS_3DS and not bank_check:
            setup.status = "canceled"
        else:
            setup.status = "succeeded"
        return setup_id

    def authenticate(self, intent_id: str, success: bool) -> Intent:
        """Finish (or fail) the bank's check on a payment that asked for one."""
        intent = self.payment_intents[intent_id]
        assert intent.status == "requires_action", intent.status
        if success:
            self._charge(intent)
        else:
            intent.status, intent.card = "requires_payment_method", None
            intent.error_code = "payment_intent_authentication_failure"
        return intent.intent()
