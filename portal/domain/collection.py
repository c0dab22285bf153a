"""The rules of collecting a plan's instalments: which declines are worth retrying, when the next
try is, when an instalment is missed and when missed instalments break the plan.

Taken out of ``plans/runner.py``, which keeps the claiming, charging and telling.
The policy given is the version the plan was agreed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.policy import Policy

#: Declines that retrying cannot fix (card networks' hard declines, as the gateway reports them).
HARD_DECLINES = frozenset(
    {
        "card_not_supported",
        "currency_not_supported",
        "expired_card",
        "fraudulent",
        "incorrect_number",
        "invalid_account",
        "invalid_number",
        "lost_card",
        "pickup_card",
        "restricted_card",
        "revocation_of_all_authorizations",
        "revocation_of_authorization",
        "security_violation",
        "stolen_card",
        "stop_payment_order",
    }
)


def is_hard_decline(code: str) -> bool:
    return code in HARD_DECLINES


def out_of_tries(attempts_made: int, policy: Policy) -> bool:
    """True once the first try and every retry the policy allows have been made: the instalment is missed."""
    return attempts_made > len(policy.retry_days)


def retry_date(due: date, policy: Policy, today: date, index: int) -> date:
    """The day of retry number *index* (0 for the first) of an instalment due on *due*: the policy's
    retry days after the due date (its grace days when it has none), and never before tomorrow."""
    days = (
        policy.retry_days[min(index, len(policy.retry_days) - 1)] if policy.retry_days else policy.grace_days
    )
    return max(today + timedelta(days=1), due + timedelta(days=days))


@dataclass(frozen=True)
class AfterDecline:
    hard: bool
    #: The instalment's count of tries from now on (set past the last retry when no retry is left).
    attempts: int
    #: When the runner next looks at the instalment.
    next_attempt_on: date
    #: When the card is tried again, to tell the debtor; None when it is not.
    retry_on: date | None


def after_decline(due: date, attempts_made: int, policy: Policy, code: str, today: date) -> AfterDecline:
    """What follows a declined charge, *attempts_made* counting the one just declined.

    With no automatic try left (a hard decline, or the retries used up) the debtor has the grace
    days to pay it themselves; the runner's next look then marks it missed.
    """
    hard = is_hard_decline(code)
    if hard or out_of_tries(attempts_made, policy):
        last = len(policy.retry_days) + 1
        return AfterDecline(hard, last, max(today, due + timedelta(days=policy.grace_days)), None)
    retry_on = retry_date(due, policy, today, attempts_made - 1)
    return AfterDecline(hard, attempts_made, retry_on, retry_on)


def after_authentication_needed(due: date, policy: Policy, today: date) -> date:
    """When the runner looks again at an instalment whose bank asked the debtor to confirm."""
    return retry_date(due, policy, today, 0)


def plan_breaks(misses: int, policy: Policy) -> bool:
    """True when a plan with *misses* missed instalments is broken."""
    return misses >= policy.misses_before_broken
