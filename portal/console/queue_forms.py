"""The forms of the queues' decision pages: resolve a dispute, decide an offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from portal.domain.offers import Problem
from portal.domain.schedules import Frequency
from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.fields import DayMonthYearField, MoneyField, MostCharacters, TextAreaField
from portal.offers.forms import START_MESSAGES

#: Longest note or reason; the debtor reads a rejection's note and a decision's reason.
NOTE_MOST = 2000

FREQUENCY_LABELS = {
    Frequency.WEEKLY: _l("Every week"),
    Frequency.EVERY_TWO_WEEKS: _l("Every two weeks"),
    Frequency.MONTHLY: _l("Every month"),
}


#: Why the offer rules refuse a counter-offer, and the field each reason is about.
COUNTER_PROBLEMS = {
    Problem.AMOUNT_NOT_POSITIVE: ("amount", _l("The amount must be more than 0 and less than the balance")),
    Problem.WHOLE_BALANCE: ("amount", _l("The amount must be more than 0 and less than the balance")),
    Problem.TOO_MANY_PAYMENTS: ("amount", _l("At this amount the plan would take too many payments")),
    Problem.START_IN_PAST: ("start", _l("The first payment cannot be in the past")),
    Problem.START_TOO_LATE: ("start", _l("The first payment must be within a year from today")),
}


class DisputeForm(Form):
    """Upheld or rejected, with a note saying what was found."""

    outcome = RadiosField(
        _l("What did you find?"),
        choices=[
            ("upheld", _l("Upheld: the debtor is right")),
            ("rejected", _l("Rejected: the debt is verified")),
        ],
        required=_l("Choose upheld or rejected"),
    )
    note = TextAreaField(
        _l("Note"),
        [MostCharacters(NOTE_MOST, _l("A note can be at most %(most)d characters"))],
        required=_l("Write a note saying what you found"),
    )


class _AskedForCounter:
    """A counter-offer's term: checked only when "counter" is chosen; what was typed under it is
    kept to show again otherwise, never refused."""

    def pre_validate(self, form):
        if form.decision.data != "counter":
            self.data = None
            raise StopValidation()  # no message: not asked, so not an error
        super().pre_validate(form)


class CounterMoneyField(_AskedForCounter, MoneyField):
    pass


class CounterRadiosField(_AskedForCounter, RadiosField):
    pass


class CounterDateField(_AskedForCounter, DayMonthYearField):
    pass


class OfferForm(Form):
    """Accept, decline with a reason, or counter with other terms (a reason is optional)."""

    decision = RadiosField(
        _l("Your decision"),
        choices=[
            ("accept", _l("Accept the offer as it is")),
            ("decline", _l("Decline it")),
            ("counter", _l("Propose another plan instead")),
        ],
        required=_l("Choose accept, decline or propose another plan"),
    )
    reason = TextAreaField(
        _l("Reason"), [MostCharacters(NOTE_MOST, _l("A reason can be at most %(most)d characters"))]
    )
    amount = CounterMoneyField(_l("Amount of each payment"))
    frequency = CounterRadiosField(
        _l("How often"),
        choices=[(frequency.value, label) for frequency, label in FREQUENCY_LABELS.items()],
        required=_l("Choose how often"),
    )
    start = CounterDateField(_l("First payment"), messages=START_MESSAGES)

    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)

    def validate_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError(_l("Write why the offer is declined: the debtor will read it"))
