"""The questions of the debtor's own offer, one page each: how much each time, how often, the date
of the first payment, and a note. The rules each answer must meet (its page's form asks them
too, portal.offers.forms), and the saved answers checked again before the offer is sent (the
balance or the date may have changed since)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain import offers as offer_rules
from portal.domain.money import Money
from portal.domain.schedules import Frequency
from portal.guidance.questions import Question, Run
from portal.offers import service as offers

#: Session keys the affordability check fills: what it suggests for the offer (see `seed`), and
#: the figures the debtor chose to share (sent with the offer, then dropped from the session).
PREFILL = "offer_prefill"
SHARED = "offer_affordability"
#: The amount the check suggested, shown on the amount page until the debtor saves their own.
SUGGESTED = "offer_suggested_amount"

FREQUENCY_LABELS = {
    Frequency.WEEKLY: _l("Every week"),
    Frequency.EVERY_TWO_WEEKS: _l("Every two weeks"),
    Frequency.MONTHLY: _l("Every month"),
}
_FREQUENCIES = {f.value for f in Frequency}

#: The offer's questions. Answers are saved as JSON: the amount in minor units, the frequency's
#: value, the start date as an ISO string and the note as text ("" when left empty).
RUN = Run(
    "own_offer",
    (
        Question("own_offer.propose", "amount"),
        Question("own_offer.frequency", "frequency"),
        Question("own_offer.start", "start"),
        Question("own_offer.note", "note"),
    ),
    check="own_offer.check",
)
#: Every page of the run: shared affordability figures stay in the session while the debtor is on them.
OFFER_PAGES = frozenset({*(q.endpoint for q in RUN.questions), RUN.check})
#: The longest note, as its page and the check say it.
NOTE_MAX = offers.NOTE_MAX

latest_start = offer_rules.latest_start


def amount_problem(amount: int, balance: int) -> str | None:
    problem = offer_rules.amount_problem(amount, balance)
    if problem is offer_rules.Problem.AMOUNT_NOT_POSITIVE:
        return _("Enter an amount")
    if problem is offer_rules.Problem.WHOLE_BALANCE:
        return _("That is the whole amount you owe. You can pay it in full instead.")
    if problem is offer_rules.Problem.TOO_MANY_PAYMENTS:
        return _("That amount would take too many payments. Enter a larger amount.")
    return None


def start_problem(start: date, today: date) -> str | None:
    problem = offer_rules.start_problem(start, today)
    if problem is offer_rules.Problem.START_IN_PAST:
        return _("The first payment cannot be in the past.")
    if problem is offer_rules.Problem.START_TOO_LATE:
        return _("The first payment must be within a year from today.")
    return None


def note_too_long() -> str:
    return _("Your note must be %(num)s characters or fewer", num=offers.NOTE_MAX)


def saved_start(answers: dict) -> date | None:
    """The saved start date, or None if it is missing or not a date."""
    try:
        return date.fromisoformat(answers.get("start") or "")
    except (TypeError, ValueError):
        return None


def _saved_amount(answers, balance, today):
    amount = answers.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return _("Enter an amount")
    return amount_problem(amount, balance)


def _saved_frequency(answers, balance, today):
    return None if answers.get("frequency") in _FREQUENCIES else _("Choose how often you can pay")


def _saved_start(answers, balance, today):
    start = saved_start(answers)
    return _("Enter the date of the first payment") if start is None else start_problem(start, today)


def _saved_note(answers, balance, today):
    note = answers.get("note")
    return None if isinstance(note, str) and len(note) <= offers.NOTE_MAX else note_too_long()


_SAVED_CHECKS: dict[str, Callable[[dict, int, date], str | None]] = {
    "amount": _saved_amount,
    "frequency": _saved_frequency,
    "start": _saved_start,
    "note": _saved_note,
}


def saved_problem(key: str, answers: dict, balance: int, today: date) -> str | None:
    """Why the saved answer to *key* could not be sent today (the balance went down below it, or
    its date has passed), or None when it is fine or not given yet."""
    if key not in answers:
        return None
    return _SAVED_CHECKS[key](answers, balance, today)


def terms_from(answers: dict) -> tuple[offers.Terms, str]:
    """The offer's terms and note from answers that passed `saved_problem`."""
    terms = offers.Terms(answers["amount"], Frequency(answers["frequency"]), saved_start(answers))
    return terms, answers["note"]


def shown(answers: dict, currency: str) -> dict:
    """The saved answers as their pages' fields hold them: an amount as typed, a date as a date."""
    saved = {key: answers[key] for key in ("frequency", "note") if key in answers}
    if "amount" in answers:
        amount = answers["amount"]
        is_amount = isinstance(amount, int) and not isinstance(amount, bool)
        saved["amount"] = str(Money(amount, currency).as_decimal()) if is_amount else None
    if "start" in answers:
        saved["start"] = saved_start(answers)
    return saved


def prefill(amount: Money | None, frequency: str | None, start: date | None) -> dict:
    """What the affordability check suggests for the offer (for the session's PREFILL)."""
    suggested: dict = {}
    if amount is not None and amount.minor > 0:
        suggested["amount"] = amount.minor
    if frequency in _FREQUENCIES:
        suggested["frequency"] = frequency
    if start is not None:
        suggested["start"] = start.isoformat()
    return suggested


def seed(prefilled) -> tuple[dict, int | None]:
    """A PREFILL split in two: how often and from when start the draft as answers, and the amount
    stays a suggestion in the session (SUGGESTED) until the debtor saves an amount. The amount is
    worked out from the check's figures, which are written down only if the debtor shares them."""
    if not isinstance(prefilled, dict):
        return {}, None
    answers = {key: prefilled[key] for key in ("frequency", "start") if key in prefilled}
    amount = prefilled.get("amount")
    return answers, (amount if isinstance(amount, int) and not isinstance(amount, bool) else None)
