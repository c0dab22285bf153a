"""The plan pages' forms, one a question: how often, how the payments are set, the first
payment's date and amount, and the agree step's consent with the card's SetupIntent (the agree
step is shared with the debtor's own offers). The policy's limits are checked by the pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.checks import parse_count
from portal.forms.choices import RadiosField, TickField
from portal.forms.fields import DayMonthYearField, MoneyField, TextField
from portal.payments.forms import SetupIntentField

#: Where a plan's card pages keep this visit's SetupIntent (agree_step.setup_intent_for_visit).
SETUP_SESSION_KEY = "setup_intent"

METHOD_LABELS = {
    "count": _l("Choose the number of payments"),
    "amount": _l("Choose the amount of each payment"),
}

FIRST_DATE_ERRORS = {
    DateProblem.MISSING: _l("Enter the date of the first payment"),
    DateProblem.INCOMPLETE: _l("Enter the date using numbers, for example %(example)s"),
    DateProblem.NOT_NUMBERS: _l("Enter the date using numbers, for example %(example)s"),
    DateProblem.NOT_REAL: _l("The date of the first payment must be a real date"),
}

CONSENT_MISSING = _l("Tick the box to agree to the plan and to us keeping your card")


class OfferedRadiosField(RadiosField):
    """Radios whose options each form is given (`offered`), as the creditor's policy decides them."""

    offered: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()

    @property
    def choices(self) -> list[tuple[str, object]]:
        return list(self.offered)


class CountField(TextField):
    """A number of payments, typed as a whole number; `data` is the number."""

    def pre_validate(self, form):
        # Only ASCII digits are a number here, so a hidden character is refused as any other.
        errors: list[tuple[str, str]] = []
        self.data = parse_count(self.typed, self.id, errors)
        if errors:
            raise StopValidation(errors[0][1])


class _AskedWhenChosen:
    """A further question under one option of the form's `method` radios (the option named as
    the field): checked only when that option is chosen. What was typed under the other option
    is kept to show again, never refused: the debtor chose not to answer it."""

    def pre_validate(self, form):
        if form.method.data != self.name:
            self.data = None
            raise StopValidation()  # no message: not asked, so not an error
        super().pre_validate(form)


class ChosenCountField(_AskedWhenChosen, CountField):
    """The number of payments, asked under its option."""


class ChosenMoneyField(_AskedWhenChosen, MoneyField):
    """The amount of each payment, asked under its option; `data` is in minor units."""


class FrequencyForm(Form):
    """How often do you want to pay? One of the ways the policy allows."""

    frequency = OfferedRadiosField(
        _l("How often do you want to pay?"), choices=(), required=_l("Choose how often you want to pay")
    )

    def __init__(self, offered: list[tuple[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.frequency.offered = offered


class PaymentsForm(Form):
    """How do you want to set the payments? A number of payments, or the amount of each."""

    method = RadiosField(
        _l("How do you want to set the payments?"),
        choices=METHOD_LABELS.items,
        required=_l("Choose how you want to set the payments"),
    )
    count = ChosenCountField(_l("Number of payments"))
    amount = ChosenMoneyField(_l("Amount of each payment"))

    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)

    def answer(self) -> dict:
        """The answer as the draft keeps it: {"method": "count", "count": 6, "amount": None} or the like."""
        return {"method": self.method.data, "count": self.count.data, "amount": self.amount.data}


class FirstDateForm(Form):
    """When do you want to make the first payment? Posted as first-day, first-month, first-year."""

    first = DayMonthYearField(_l("When do you want to make the first payment?"), messages=FIRST_DATE_ERRORS)


class DownPaymentForm(Form):
    """How much do you want to pay as your first payment? (Asked when the policy wants one.)"""

    down_payment = MoneyField(_l("How much do you want to pay as your first payment?"))

    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)


class AgreeForm(Form):
    """The agree step: the consent box, then the card saved in this visit's SetupIntent."""

    # The wording beside the box names the collector, so the page gives it (agree_step.consent_text).
    consent = TickField(required=CONSENT_MISSING)
    setup_intent = SetupIntentField(session_key=SETUP_SESSION_KEY)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.consent.errors:
            # The box is asked about first, as card-setup.js does: one thing to fix at a time.
            self.setup_intent.errors = []
        return valid


class ChangeCardForm(Form):
    """A new card for a running plan, saved in this visit's SetupIntent."""

    setup_intent = SetupIntentField(session_key=SETUP_SESSION_KEY)
