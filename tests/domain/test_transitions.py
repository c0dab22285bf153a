"""Every state machine: the moves written out here, so a change to a table shows up as a failure."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.transitions import (
    ACCOUNT,
    ATTEMPT,
    DISPUTE,
    INSTALMENT,
    MACHINES,
    OFFER,
    PLAN,
    REFUND,
    REQUEST,
    TransitionError,
    _machine,
)
from portal.models import (
    AccountStatus,
    AttemptStatus,
    DisputeStatus,
    InstalmentStatus,
    OfferStatus,
    PlanStatus,
    RequestStatus,
)
from portal.models.payments import RefundStatus

EXPECTED = {
    ATTEMPT: {
        ("created", "requires_action"),
        ("created", "succeeded"),
        ("created", "failed"),
        ("created", "canceled"),
        ("requires_action", "succeeded"),
        ("requires_action", "failed"),
        ("requires_action", "canceled"),
        ("failed", "succeeded"),
        ("canceled", "succeeded"),
    },
    PLAN: {("active", "completed"), ("active", "broken"), ("active", "cancelled")},
    INSTALMENT: {
        ("scheduled", "paid"),
        ("scheduled", "missed"),
        ("scheduled", "cancelled"),
        ("missed", "paid"),
        ("cancelled", "paid"),
    },
    OFFER: {
        ("pending", "accepted"),
        ("pending", "declined"),
        ("pending", "countered"),
        ("accepted", "agreed"),
        ("countered", "agreed"),
    },
    DISPUTE: {("open", "upheld"), ("open", "rejected")},
    ACCOUNT: {("open", "paid"), ("open", "settled"), ("open", "closed"), ("paid", "open")},
    REQUEST: {("open", "done")},
    REFUND: {("pending", "succeeded"), ("pending", "failed")},
}
ENUMS = {
    ATTEMPT: AttemptStatus,
    PLAN: PlanStatus,
    INSTALMENT: InstalmentStatus,
    OFFER: OfferStatus,
    DISPUTE: DisputeStatus,
    ACCOUNT: AccountStatus,
    REQUEST: RequestStatus,
    REFUND: RefundStatus,
}
CASES = [
    (machine, current, new, (current, new) in EXPECTED[machine])
    for machine in MACHINES
    for current, new in itertools.product(sorted(machine.states), repeat=2)
]


@pytest.mark.parametrize(("machine", "current", "new", "allowed"), CASES)
def test_each_move_is_allowed_exactly_when_the_table_lists_it(machine, current, new, allowed):
    assert machine.allows(current, new) is allowed
    if allowed:
        machine.check(current, new)
    else:
        with pytest.raises(TransitionError, match=f"a {machine.name} cannot go from {current} to {new}"):
            machine.check(current, new)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_each_table_knows_exactly_the_states_of_its_model(machine):
    assert machine.states == {status.value for status in ENUMS[machine]}


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_the_enum_members_themselves_can_be_passed(machine):
    current, new = sorted(EXPECTED[machine])[0]
    enum = ENUMS[machine]
    machine.check(enum(current), enum(new))
    with pytest.raises(TransitionError) as raised:
        machine.check(enum(new), enum(current))
    assert (raised.value.machine, raised.value.current, raised.value.new) == (machine.name, new, current)


def test_rows_start_where_the_code_creates_them():
    assert ATTEMPT.starts == {"created"}
    assert PLAN.starts == {"active", "completed"}  # a paid settlement is recorded as completed
    assert INSTALMENT.starts == {"scheduled"}
    assert OFFER.starts == {"pending"}
    assert DISPUTE.starts == {"open"} and ACCOUNT.starts == {"open"}
    PLAN.check_start(PlanStatus.COMPLETED)
    with pytest.raises(TransitionError, match="a plan cannot start as broken"):
        PLAN.check_start("broken")


def test_a_table_cannot_move_to_a_state_it_does_not_list():
    with pytest.raises(ValueError, match="'lost'"):
        _machine("parcel", {"sent"}, {"sent": {"lost"}})


def test_a_finished_payment_attempt_never_moves_again_and_money_found_later_is_always_recorded():
    assert not any(ATTEMPT.allows("succeeded", new) for new in ATTEMPT.states)
    assert ATTEMPT.allows("failed", "succeeded") and ATTEMPT.allows("canceled", "succeeded")


def test_an_offer_is_decided_once():
    for decided in ("accepted", "declined", "countered"):
        for again in ("accepted", "declined", "countered"):
            assert not OFFER.allows(decided, again)


#: The one way back: a refund leaves money owed on an account that was paid, which opens it again.
WAYS_BACK = {(ACCOUNT, "paid", "open")}


def _forward(machine, state: str) -> list[str]:
    return sorted(new for new in machine.moves[state] if (machine, state, new) not in WAYS_BACK)


@given(st.sampled_from(MACHINES), st.data())
def test_any_walk_from_a_start_ends_in_a_state_with_no_way_out(machine, data):
    state = data.draw(st.sampled_from(sorted(machine.starts)))
    seen = [state]
    while _forward(machine, state):
        new = data.draw(st.sampled_from(_forward(machine, state)))
        machine.check(state, new)
        state = new
        seen.append(state)
        # No machine loops but by a way back named above: a walk is never longer than there are states.
        assert len(seen) <= len(machine.states)
    assert not _forward(machine, state)


def test_without_the_ways_back_no_machine_has_a_cycle():
    for machine in MACHINES:
        for state in machine.states:
            for new in _forward(machine, state):
                assert state not in _reachable(machine, new), (machine.name, state, new)
    # and each way back is a real move of its table
    assert all(machine.allows(state, new) for machine, state, new in WAYS_BACK)


def _reachable(machine, start: str) -> set[str]:
    """The states a walk by forward moves reaches from *start*, itself included."""
    reached, frontier = {start}, [start]
    while frontier:
        for new in _forward(machine, frontier.pop()):
            if new not in reached:
                reached.add(new)
                frontier.append(new)
    return reached


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_every_state_can_be_reached_from_a_start(machine):
    reached, frontier = set(machine.starts), list(machine.starts)
    while frontier:
        for new in machine.moves[frontier.pop()]:
            if new not in reached:
                reached.add(new)
                frontier.append(new)
    assert reached == machine.states


def test_move_sets_the_status_only_when_the_table_allows_it():
    plan = SimpleNamespace(status=PlanStatus.ACTIVE)
    PLAN.move(plan, PlanStatus.BROKEN)
    assert plan.status is PlanStatus.BROKEN
    with pytest.raises(TransitionError, match="a plan cannot go from broken to active"):
        PLAN.move(plan, PlanStatus.ACTIVE)
    assert plan.status is PlanStatus.BROKEN
