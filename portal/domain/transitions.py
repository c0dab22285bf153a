"""Every state machine of the portal, as one kind of table: the moves the code makes, no more.

States are the values of the models' status enums (``AttemptStatus``, ``PlanStatus``, ...); the
enums are ``StrEnum``s, so a member can be passed where a value is expected. An impossible move
raises ``TransitionError`` naming the machine, so a bug shows up loudly instead of as a row in a
state nobody planned for.

Where each table's moves are made (each through ``Machine.move`` or ``check``):

- attempt: ``payments/attempts.py`` (``move``, and ``retire``'s conditional UPDATE from created to
  canceled), called by ``payments/service.py``, ``recording.py`` and ``reconcile.py``.
- plan: created active by ``plans/agreements.py`` or completed (a paid settlement) by
  ``accounts/ledger.py``; ended by ``ledger.end_plan``, called by the ledger (all paid, paid off),
  the runner (broken) and ``disputes/service.py`` (cancelled when a dispute is upheld).
- instalment: ``ledger.apply_payment`` (paid), ``ledger.end_plan`` (cancelled), the runner (missed).
- offer: ``offers/service.py`` (``move``).
- dispute: ``disputes/service.py`` (``resolve``).
- account: created open by the import; ``ledger.apply_payment`` (paid, settled),
  ``disputes/service.py`` (closed when a dispute is upheld) and ``ledger.apply_refund`` (paid back
  to open when a refund leaves money owed). The dispute hold is a flag, not a state.
- refund: ``payments/refunds.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol


class TransitionError(RuntimeError):
    """A move a state machine cannot make from where it is; *machine* names which one."""

    def __init__(self, machine: str, current: str | None, new: str):
        where = f"start as {new}" if current is None else f"go from {current} to {new}"
        super().__init__(f"a {machine} cannot {where}")
        self.machine = machine
        self.current = current
        self.new = new


class HasStatus(Protocol):
    """A row with a status: a model instance, or anything shaped like one."""

    status: str


# Compared and hashed by identity: each table is one module-level object.
@dataclass(frozen=True, eq=False)
class Machine:
    """One kind of state: the states a row may be created in, and the moves from each state."""

    name: str
    starts: frozenset[str]
    moves: Mapping[str, frozenset[str]]

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self.moves)

    def allows(self, current: str, new: str) -> bool:
        return str(new) in self.moves.get(str(current), frozenset())

    def check(self, current: str, new: str) -> None:
        """Raise TransitionError unless *current* may move to *new*."""
        if not self.allows(current, new):
            raise TransitionError(self.name, str(current), str(new))

    def move(self, row: HasStatus, new: str) -> None:
        """Set *row*'s ``status`` to *new*, or raise TransitionError and leave it as it was."""
        self.check(row.status, new)
        row.status = new

    def check_start(self, new: str) -> None:
        """Raise TransitionError unless a new row may be created in state *new*."""
        if str(new) not in self.starts:
            raise TransitionError(self.name, None, str(new))


def _machine(name: str, starts: Iterable[str], moves: dict[str, Iterable[str]]) -> Machine:
    table = {state: frozenset(targets) for state, targets in moves.items()}
    unknown = {*starts, *(t for targets in table.values() for t in targets)} - table.keys()
    if unknown:
        raise ValueError(f"the {name} table moves to states it does not list: {sorted(unknown)}")
    return Machine(name, frozenset(starts), MappingProxyType(table))


ATTEMPT = _machine(
    "payment attempt",
    {"created"},
    {
        "created": {"requires_action", "succeeded", "failed", "canceled"},
        "requires_action": {"succeeded", "failed", "canceled"},
        # Stripe is the truth about money: a charge we gave up on may still have succeeded
        # (our cancel never reached Stripe), and that money must be recorded.
        "failed": {"succeeded"},
        # Likewise a retired attempt whose intent Stripe confirmed anyway: the money is recorded
        # (and any over-payment refunded), never refused.
        "canceled": {"succeeded"},
        "succeeded": set(),
    },
)

PLAN = _machine(
    "plan",
    # A paid settlement is written down as a plan that is already completed.
    {"active", "completed"},
    {
        "active": {"completed", "broken", "cancelled"},
        "completed": set(),
        "broken": set(),
        "cancelled": set(),
    },
)

INSTALMENT = _machine(
    "instalment",
    {"scheduled"},
    {
        "scheduled": {"paid", "missed", "cancelled"},
        # An attempt that was given up on, or whose plan ended, may still succeed at Stripe: the
        # money is recorded against the instalment it was for.
        "missed": {"paid"},
        "cancelled": {"paid"},
        "paid": set(),
    },
)

OFFER = _machine(
    "debtor's offer",
    {"pending"},
    {
        "pending": {"accepted", "declined", "countered"},
        "accepted": {"agreed"},
        "countered": {"agreed"},
        "declined": set(),
        "agreed": set(),
    },
)

DISPUTE = _machine(
    "dispute",
    {"open"},
    {"open": {"upheld", "rejected"}, "upheld": set(), "rejected": set()},
)

ACCOUNT = _machine(
    "account",
    {"open"},
    {
        "open": {"paid", "settled", "closed"},
        # A supervisor refunded money that had paid it off: it is owed again.
        "paid": {"open"},
        "settled": set(),
        "closed": set(),
    },
)

#: A promise to pay or a call-back request: open until a person has dealt with it.
REQUEST = _machine("support request", {"open"}, {"open": {"done"}, "done": set()})

#: A refund a supervisor asked Stripe for: written before Stripe is asked, then its answer.
REFUND = _machine(
    "refund",
    {"pending"},
    {"pending": {"succeeded", "failed"}, "succeeded": set(), "failed": set()},
)

MACHINES = (ATTEMPT, PLAN, INSTALMENT, OFFER, DISPUTE, ACCOUNT, REQUEST, REFUND)
