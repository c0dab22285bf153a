"""The debtor's own offer, one form a page: how much each time, how often, the first payment's
date and a note. The rules each answer must meet are in portal.offers.questions, shared with the
check page, which checks the saved answers again before the offer is sent."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.fields import DayMonthYearField, MoneyField, TextAreaField
from portal.offers import questions
from portal.offers.questions import FREQUENCY_LABELS

_USING_NUMBERS = _l("Enter the date using numbers, for example %(example)s")
#: What to say about each way a typed first payment date can be wrong.
START_MESSAGES = {
    DateProblem.MISSING: _l("Enter the date of the first payment"),
    DateProblem.INCOMPLETE: _USING_NUMBERS,
    DateProblem.NOT_NUMBERS: _USING_NUMBERS,
    DateProblem.NOT_REAL: _l("Enter a real date, for example %(example)s"),
}


class AmountForm(Form):
    """How much can you pay each time? More than zero and less than the whole *balance*."""

    amount = MoneyField(_l("How much can you pay each time?"))

    def __init__(self, currency: str, balance: int, **kwargs):
        self.currency, self.balance = currency, balance
        super().__init__(**kwargs)

    def validate_amount(self, field):
        if problem := questions.amount_problem(field.data, self.balance):
            raise ValidationError(problem)


class FrequencyForm(Form):
    """How often can you pay? A Frequency value."""

    frequency = RadiosField(
        _l("How often can you pay?"),
        choices=[(frequency.value, label) for frequency, label in FREQUENCY_LABELS.items()],
        required=_l("Choose how often you can pay"),
    )


class StartForm(Form):
    """When could you make the first payment? From *today* up to a year ahead."""

    start = DayMonthYearField(_l("When could you make the first payment?"), messages=START_MESSAGES)

    def __init__(self, today: date, **kwargs):
        self.today = today
        super().__init__(**kwargs)
        self.start.earliest = today

    def validate_start(self, field):
        if problem := questions.start_problem(field.data, self.today):
            raise ValidationError(problem)


class NoteForm(Form):
    """Anything you want us to know (optional), up to NOTE_MAX characters."""

    note = TextAreaField(_l("Anything you want us to know (optional)"))

    def validate_note(self, field):
        if len(field.data) > questions.NOTE_MAX:
            raise ValidationError(questions.note_too_long())
