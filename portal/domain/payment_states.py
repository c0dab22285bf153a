"""Which moves a card payment attempt may make; anything else is a bug to be caught loudly."""

from __future__ import annotations

ALLOWED = {
    "created": {"requires_action", "succeeded", "failed", "canceled"},
    "requires_action": {"succeeded", "failed", "canceled"},
    # Stripe is the truth about money: a charge we gave up on may still have succeeded
    # (our cancel never reached Stripe), and that money must be recorded.
    "failed": {"succeeded"},
    # Likewise a charge we retired (a later attempt, or reconcile giving up on it) that Stripe took.
    "canceled": {"succeeded"},
    "succeeded": set(),
}


class InvalidTransition(RuntimeError):
    """An attempt was asked to move to a state it cannot reach from where it is."""


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransition unless *current* may move to *new*."""
    if new not in ALLOWED.get(current, set()):
        raise InvalidTransition(f"a payment attempt cannot go from {current} to {new}")
