"""The affordability check's answers: income, outgoings, how often, sharing. (The first payment's
date is read as an own offer's is: portal.offers.questions.read_start.)"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain.affordability import OUTGOINGS
from portal.domain.schedules import Frequency
from portal.forms.checks import Errors
from portal.forms.reading import read_choice, read_money

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


def read_income(form, currency: str, errors: Errors) -> int | None:
    if not (form.get("income") or "").strip():
        errors.append(("income", _("Enter your monthly income, or 0 if you have none")))
        return None
    return read_money(form, "income", currency, errors, blank_is_zero=True)


def read_outgoings(form, currency: str, errors: Errors) -> dict[str, int]:
    """Every category; an empty box is zero."""
    values = {name: read_money(form, name, currency, errors, blank_is_zero=True) for name in OUTGOINGS}
    return {name: value for name, value in values.items() if value}


def read_frequency(form, errors: Errors) -> str | None:
    """How often the debtor could pay, as a Frequency value."""
    return read_choice(
        form, "frequency", {f.value for f in Frequency}, errors, _("Choose how often you want to pay")
    )


def read_share(form, errors: Errors) -> bool | None:
    answer = read_choice(form, "share", ("yes", "no"), errors, _("Choose yes or no"))
    return None if answer is None else answer == "yes"
