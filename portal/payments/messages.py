"""Calm words for the reasons a card payment can fail, each saying what to try next."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

_MESSAGES = {
    "insufficient_funds": _l(
        "Your bank declined this payment because there is not enough money available. "
        "No money has been taken. You can try another card, or choose a smaller amount later."
    ),
    "expired_card": _l("This card has expired. No money has been taken. Please try another card."),
    "incorrect_cvc": _l(
        "The security code does not match this card. No money has been taken. "
        "Check the 3 digits on the back of the card and try again."
    ),
    "payment_intent_authentication_failure": _l(
        "The security check with your bank was not completed. No money has been taken. "
        "You can try again, or use another card."
    ),
    "invalid_card_details": _l(
        "We could not read the card details sent. No money has been taken. Please enter them again."
    ),
    "unavailable": _l(
        "We could not reach our card payment service just now. No money has been taken. "
        "Please wait a minute and try again."
    ),
}
_DEFAULT = _l(
    "Your bank declined this payment. No money has been taken. "
    "You can try another card, or contact your bank to find out why."
)


def decline_message(code: str | None) -> str:
    """A plain message for a decline code; unknown codes get the general one."""
    return str(_MESSAGES.get(code or "", _DEFAULT))
