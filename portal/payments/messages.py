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
    "card_missing": _l("Enter your card details"),
    "unavailable": _l(
        "We could not reach our card payment service just now. No money has been taken. "
        "Please wait a minute and try again."
    ),
    "amount_changed": _l(
        "What you owe changed while you were paying, so we stopped. No money has been taken. "
        "Check the amount and try again."
    ),
    "busy": _l(
        "Another payment on this account is still going through. No money has been taken by "
        "this one. Check your account in a few minutes before you try again."
    ),
    # The charge was sent but no answer came back: money may have been taken, so do not deny it.
    "unconfirmed": _l(
        "We could not reach our card payment service, so we cannot tell yet whether this payment "
        "went through. We will check with them. Please look at your account again in an hour "
        "before paying again: if the payment was taken, it will show there."
    ),
}
_DEFAULT = _l(
    "Your bank declined this payment. No money has been taken. "
    "You can try another card, or contact your bank to find out why."
)


def decline_message(code: str | None) -> str:
    """A plain message for a decline code; unknown codes get the general one."""
    return str(_MESSAGES.get(code or "", _DEFAULT))
