"""The plan builder's answers, one question a page: how often, how the payments are set, the first
payment's date and (when the policy asks for one) its amount. They are kept as a draft until the
debtor agrees, and each is checked against the policy as far as the answers so far allow.

Plain Python over the draft: the pages read the form, this module says what the answers mean.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.domain.policy import OutsidePolicy, Policy
from portal.guidance.questions import Question, Run
from portal.models import Account
from portal.plans import agreements

RUN = Run(
    "plan",
    (
        Question("plans.builder", "frequency"),
        # "method" is "count" or "amount"; the page saves "count" and "amount" with it (one is None).
        Question("plans.payments", "method"),
        Question("plans.first_date", "first_date"),  # an ISO date
        Question("plans.down_payment", "down_payment"),  # minor units
    ),
    check="plans.review",
)

# Which question a limit is about, so the debtor is sent where they can fix it.
_QUESTION_FOR = {
    "instalments_not_allowed": "plans.builder",
    "frequency_not_allowed": "plans.builder",
    "first_date_in_past": "plans.first_date",
    "first_date_too_late": "plans.first_date",
    "down_payment_required": "plans.down_payment",
    "down_payment_invalid": "plans.down_payment",
}
# Limits a later answer can break although the question they are about was fine when answered:
# a later first date can make the plan too long, a larger first payment the rest too small.
_ALSO_SHOWN_ON = {
    "plans.first_date": {"too_long"},
    "plans.down_payment": {"below_instalment_minimum"},
}


def skipped(policy: Policy) -> tuple[str, ...]:
    """The questions this policy does not ask."""
    return () if policy.down_payment_required else ("plans.down_payment",)


def question_for(code: str) -> str:
    """The question whose answer breaks the limit *code* (the payments, unless it names another)."""
    return _QUESTION_FOR.get(code, "plans.payments")


def shown_on(endpoint: str, code: str) -> bool:
    """True when a broken limit is explained on this question's page."""
    return question_for(code) == endpoint or code in _ALSO_SHOWN_ON.get(endpoint, ())


def choice_from(answers: dict, policy: Policy) -> agreements.PlanChoice | None:
    """The plan the answers describe, or None when one is missing or cannot be read."""
    if RUN.unanswered(answers, skipped(policy)) is not None:
        return None
    down = answers.get("down_payment") if policy.down_payment_required else 0
    method = answers.get("method")
    count, amount = answers.get("count"), answers.get("amount")
    if method not in ("count", "amount") or not all(_whole(v) for v in (down, count or 0, amount or 0)):
        return None
    try:
        date.fromisoformat(answers.get("first_date") or "")
    except (TypeError, ValueError):
        return None
    return agreements.PlanChoice(
        frequency=answers.get("frequency"),
        first_date=answers["first_date"],
        count=count if method == "count" else None,
        amount=amount if method == "amount" else None,
        down_payment=down,
    )


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def trial_choice(answers: dict, policy: Policy, today: date, **given) -> agreements.PlanChoice:
    """The choice to check an answer with: the answers saved so far with *given* (this page's
    answer) in place, and for an answer not given yet (or no longer possible) the one least
    likely to break a limit: today as the first date, the policy's smallest first payment.

    Only the builder's first question comes before the payments, so frequency is always saved.
    """
    merged = {**answers, **given}
    first = merged.get("first_date")
    latest = today + timedelta(days=policy.first_payment_within_days)
    possible = isinstance(first, str) and today.isoformat() <= first <= latest.isoformat()
    if not isinstance(first, str) or ("first_date" not in given and not possible):
        first = today.isoformat()
    down = 0
    if policy.down_payment_required:
        smallest = max(policy.down_payment_minimum, 1)
        down = merged.get("down_payment")
        if "down_payment" not in given and (not _whole(down) or down < smallest):
            down = smallest
    method = merged.get("method")
    return agreements.PlanChoice(
        frequency=merged.get("frequency") or "",
        first_date=first,
        count=merged.get("count") if method == "count" else None,
        amount=merged.get("amount") if method == "amount" else None,
        down_payment=down,
    )


def broken_limit(
    account: Account, policy: Policy, today: date, endpoint: str, answers: dict, **given
) -> OutsidePolicy | None:
    """The limit this page's answer (*given*, else the saved one) breaks, with the answers so far;
    None when it fits, or when only another question's answer breaks one: that page says so."""
    # Without *given*, the page's saved answer is the one checked, as it stands (a date passed).
    own = next(q.key for q in RUN.questions if q.endpoint == endpoint)
    if not given and own in answers:
        given = {own: answers[own]}
    choice = trial_choice(answers, policy, today, **given)
    try:
        agreements.preview(account, choice, today)
    except OutsidePolicy as error:
        return error if shown_on(endpoint, error.code) else None
    except ValueError:
        return None  # a frequency the policy never had: the builder page refuses it
    return None


def answers_for(choice: agreements.PlanChoice, policy: Policy) -> dict:
    """A choice made elsewhere (the affordability check), as this run's answers."""
    answers = {
        "frequency": choice.frequency,
        "method": "count" if choice.count is not None else "amount",
        "count": choice.count,
        "amount": choice.amount if choice.count is None else None,
        "first_date": choice.first_date,
    }
    if policy.down_payment_required and choice.down_payment:
        answers["down_payment"] = choice.down_payment
    return answers
