"""Which moves a card payment attempt may make."""

import itertools

import pytest

from portal.domain.payment_states import InvalidTransition, check_transition

STATES = ["created", "requires_action", "succeeded", "failed", "canceled"]

#: Written out here, not read from the module, so a change to the rules shows up as a failure.
ALLOWED = {
    ("created", "requires_action"),
    ("created", "succeeded"),
    ("created", "failed"),
    ("created", "canceled"),
    ("requires_action", "succeeded"),
    ("requires_action", "failed"),
    ("requires_action", "canceled"),
    # Stripe may report money taken for an attempt we had given up on; it must be recorded.
    ("failed", "succeeded"),
    # Likewise for an attempt we retired (a later attempt, or reconcile) whose charge went through.
    ("canceled", "succeeded"),
}
FORBIDDEN = sorted(set(itertools.product(STATES, STATES)) - ALLOWED)


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_allowed_move(current, new):
    check_transition(current, new)  # raises if refused


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_forbidden_move_raises(current, new):
    with pytest.raises(InvalidTransition, match=f"from {current} to {new}"):
        check_transition(current, new)


def test_a_finished_attempt_never_moves_again():
    for new in STATES:
        with pytest.raises(InvalidTransition):
            check_transition("succeeded", new)


def test_a_retired_attempt_moves_only_to_succeeded():
    for new in STATES:
        if new != "succeeded":
            with pytest.raises(InvalidTransition):
                check_transition("canceled", new)


@pytest.mark.parametrize(("current", "new"), [("bogus", "succeeded"), ("created", "bogus"), ("", "created")])
def test_unknown_states_are_refused(current, new):
    with pytest.raises(InvalidTransition):
        check_transition(current, new)
