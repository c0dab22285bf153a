"""What Stripe answers, read into the portal's own terms: the gateway's errors, a card, a
PaymentIntent and a SetupIntent. Stripe's status words stay inside these classes."""

from __future__ import annotations

from dataclasses import dataclass


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
    if not (plain_text(intent_id) and plain_text(status)):
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
        client_secret=secret if plain_text(secret) else None,
        error_code=code if plain_text(code) else None,
        attempt_id=_metadata_id(obj.get("metadata"), "attempt_id"),
        account_id=_metadata_id(obj.get("metadata"), "account_id"),
        created=obj["created"] if type(obj.get("created")) is int else None,
    )


def plain_text(value) -> bool:
    """A non-empty string with no control characters: safe to compare with and to store."""
    return isinstance(value, str) and 0 < len(value) <= 255 and value.isprintable()


def setup_from(obj) -> Setup:
    """Read a SetupIntent (an API object or a dict) into our Setup."""
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
