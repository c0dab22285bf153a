"""Plan payments that did not go through, which the overview shows first with what to do."""

from __future__ import annotations

from datetime import date

from portal.accounts import ledger
from portal.models import Instalment, InstalmentStatus, Plan


def needing_action(plan: Plan | None, today: date) -> list[Instalment]:
    """Payments of *plan* that failed and wait for a retry, or were missed for good, oldest first."""
    if plan is None:
        return []
    return [
        i
        for i in plan.instalments
        if i.status is InstalmentStatus.MISSED
        or (i.status is InstalmentStatus.SCHEDULED and i.attempts > 0 and i.due_date <= today)
    ]


def taken_with_new_card(plan: Plan, today: date) -> Instalment | None:
    """The failed payment a new card pays at once: the next one due, already tried and refused.

    The same test `plans.change_card` makes before charging it (a missed one is not retried)."""
    due = ledger.next_instalment(plan)
    if due is not None and due.due_date <= today and due.attempts > 0:
        return due
    return None
