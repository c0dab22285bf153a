"""The promise-to-pay and call-back questions, one form a page.

Answers saved earlier are checked again (portal.forms.saved) when their page is shown and on the
check page, before anything is sent: a date can leave the window overnight, and a payment can
make the balance smaller than a part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.cant_pay import service as cant_pay
from portal.domain.dates import DateProblem
from portal.domain.money import Money
from portal.forms.base import Form
from portal.forms.choices import CheckboxesField, RadiosField
from portal.forms.fields import DayMonthYearField, MoneyField, TextAreaField, TextField
from portal.i18n import long_date, money

DAY_LABELS = {
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
}
TIME_LABELS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening")}

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().\-]+$")
_USING_NUMBERS = _l("Enter the date using numbers, for example %(example)s")


# --- Promise to pay ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    on: date
    amount: int | None  # None: the full amount


class PromiseDateForm(Form):
    """When will you pay? A day inside *window* (first, last), the policy's promise window."""

    date = DayMonthYearField(
        _l("When will you pay?"),
        messages={
            DateProblem.MISSING: _l("Enter the date you will pay"),
            DateProblem.INCOMPLETE: _USING_NUMBERS,
            DateProblem.NOT_NUMBERS: _USING_NUMBERS,
            DateProblem.NOT_REAL: _l("Enter a real date, for example %(example)s"),
        },
    )

    def __init__(self, window: tuple[date, date], **kwargs):
        self.window = window
        super().__init__(**kwargs)
        self.date.earliest, self.date.latest = window

    def validate_date(self, field):
        first, last = self.window
        if not first <= field.data <= last:
            raise ValidationError(
                _(
                    "The date must be between %(first)s and %(last)s",
                    first=long_date(first),
                    last=long_date(last),
                )
            )


class PromiseAmountForm(Form):
    """How much will you pay on that day? The full *balance*, or a part smaller than it."""

    how_much = RadiosField(
        _l("How much will you pay on that day?"),
        choices=(),
        required=_l("Choose whether you will pay the full amount or part of it"),
    )
    amount = MoneyField(_l("How much will you pay?"))

    def __init__(self, balance: Money, **kwargs):
        self.balance, self.currency = balance, balance.currency
        super().__init__(**kwargs)
        self.how_much.choices = [
            ("full", _("The full amount, %(amount)s", amount=money(balance))),
            ("part", _l("Part of it, as a first payment")),
        ]

    def validate_amount(self, field):
        if field.data >= self.balance.minor:
            raise ValidationError(_("That is the whole amount you owe. Choose the full amount instead."))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.how_much.data != "part":
            self.amount.errors = []  # the amount is asked for only when paying part of it
        return not any(field.errors for field in self)

    def answer(self) -> tuple[str, int | None]:
        """("full", None), or ("part", minor units), once the form is valid."""
        return ("full", None) if self.how_much.data == "full" else ("part", self.amount.data)


# --- Hardship call-back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    phone: str
    days: list[str]
    times: list[str]
    explanation: str


class PhoneForm(Form):
    """A phone number of 7 to 15 digits, spaces tidied; the usual punctuation is allowed."""

    phone = TextField(
        _l("What number should we call?"), required=_l("Enter a phone number we can call you on")
    )

    def validate_phone(self, field):
        digits = re.sub(r"\D", "", field.data)
        if not _PHONE_CHARACTERS.match(field.data) or not 7 <= len(digits) <= 15:
            raise ValidationError(_("Enter a phone number using numbers only, for example 312 555 0100"))


class DaysForm(Form):
    """Which days suit you? None ticked: any day."""

    days = CheckboxesField(_l("Which days suit you? (optional)"), choices=DAY_LABELS.items)

    def answer(self) -> list[str]:
        """The ticked weekdays, in the week's order."""
        return [day for day in cant_pay.CALL_DAYS if day in self.days.data]


class TimesForm(Form):
    """What time of day suits you? None ticked: any time."""

    times = CheckboxesField(_l("What time of day suits you? (optional)"), choices=TIME_LABELS.items)

    def answer(self) -> list[str]:
        """The ticked times of day, in the day's order."""
        return [time for time in cant_pay.CALL_TIMES if time in self.times.data]


class ExplanationForm(Form):
    """What is happening, in the debtor's words (may be empty), up to EXPLANATION_MAX characters."""

    explanation = TextAreaField(_l("Tell us briefly what is happening (optional)"))

    def validate_explanation(self, field):
        if len(field.data) > cant_pay.EXPLANATION_MAX:
            raise ValidationError(
                _("Your explanation must be %(num)s characters or fewer", num=cant_pay.EXPLANATION_MAX)
            )
