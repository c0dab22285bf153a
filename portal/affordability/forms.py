"""The affordability check's questions, one form a page: income, outgoings, how often, the first
payment's date, what to do next, and sharing. An empty box, or 0, is an amount here: no income,
or a cost that does not apply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from portal.domain.affordability import OUTGOINGS
from portal.forms.base import FORM_TROUBLE, Form
from portal.forms.choices import RadiosField
from portal.forms.fields import DayMonthYearField, MoneyField
from portal.offers.forms import START_MESSAGES, FrequencyForm, StartForm
from portal.offers.questions import FREQUENCY_LABELS

OUTGOING_LABELS = {
    "housing": (_l("Housing"), _l("Rent or mortgage, and property taxes")),
    "bills": (_l("Bills"), _l("Gas, electricity, water, phone, internet and insurance")),
    "food": (_l("Food and household"), _l("Groceries, toiletries and cleaning")),
    "travel": (_l("Travel"), _l("Car payments, gas, bus or train fares")),
    "children": (_l("Children"), _l("Childcare, school costs and child support")),
    "other_debts": (_l("Other debts"), _l("Credit cards, loans and other bills you are paying off")),
    "other": (_l("Anything else"), _l("Medical costs, clothes and anything not listed")),
}
assert tuple(OUTGOING_LABELS) == OUTGOINGS


class ZeroOrMoreField(MoneyField):
    """An amount where 0 (or, without *required*, an empty box) is zero."""

    def pre_validate(self, form):
        typed = self.typed.strip()
        if not typed and self.required is not None:
            raise StopValidation(self.required)
        if typed.lstrip("$€£").strip().strip("0.,") == "":
            self.data = 0
            return
        super().pre_validate(form)


class _Currency(Form):
    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)


class IncomeForm(_Currency):
    """How much money comes in each month, after tax? 0 if none."""

    income = ZeroOrMoreField(
        _l("How much money comes in each month, after tax?"),
        required=_l("Enter your monthly income, or 0 if you have none"),
    )


class OutgoingsForm(_Currency):
    """What you spend each month, one box a category (OUTGOING_LABELS); an empty box is zero."""

    def spent(self) -> dict[str, int]:
        """The categories with something spent, in minor units, once the form is valid."""
        return {name: self[name].data for name in OUTGOINGS if self[name].data}


for _name, (_label, _hint) in OUTGOING_LABELS.items():
    # One box a category, in OUTGOINGS' order (fields keep the order they are made in).
    setattr(OutgoingsForm, _name, ZeroOrMoreField(_label))


class HowOftenForm(FrequencyForm):
    """How often could you pay? The own offer's question, asked of what could be paid."""

    frequency = RadiosField(
        _l("How often could you pay?"),
        choices=[(frequency.value, label) for frequency, label in FREQUENCY_LABELS.items()],
        required=_l("Choose how often you want to pay"),
    )


class FirstPaymentForm(StartForm):
    """When could you start paying? The own offer's first-payment rules, in this page's words."""

    start = DayMonthYearField(_l("When could you start paying?"), messages=START_MESSAGES)


class NextForm(Form):
    """What next, chosen by the result page's buttons (never shown as a field, so it has no words
    of its own): the plan that fits, or an own offer. Anything else is a form gone wrong."""

    next = RadiosField(
        choices=[("plan", _l("Choose this plan")), ("offer", _l("Propose your own plan"))],
        required=FORM_TROUBLE,
    )


class ShareForm(Form):
    """Do you want to share your figures with us? Yes or no."""

    share = RadiosField(
        _l("Do you want to share your figures with us?"),
        choices=[("yes", _l("Yes, share my figures")), ("no", _l("No, keep them private"))],
        required=_l("Choose yes or no"),
    )
