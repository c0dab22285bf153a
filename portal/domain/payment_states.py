"""Which moves a card payment attempt may make: the attempt table of `transitions`, under the
names the payments code imports today (kept until it imports `transitions` itself)."""

from __future__ import annotations

from portal.domain.transitions import ATTEMPT
from portal.domain.transitions import TransitionError as InvalidTransition

ALLOWED = ATTEMPT.moves

__all__ = ["ALLOWED", "InvalidTransition", "check_transition"]


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransition unless *current* may move to *new*."""
    ATTEMPT.check(current, new)
