"""The affordability check's pages: income, outgoings, how and when to pay, sharing."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain.affordability import OUTGOINGS
from portal.domain.schedules import Frequency
from portal.plans.forms import Errors
from portal.support.fields import read_choice, read_date, read_money
from portal.support.offer_form import latest_start

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


def read_plan(form, today: date, errors: Errors) -> tuple[str | None, date | None]:
    frequency = read_choice(
        form, "frequency", {f.value for f in Frequency}, errors, _("Choose how often you want to pay")
    )
    start = read_date(form, "start", errors, missing=_("Enter the date of the first payment"))
    if start is not None and start < today:
        errors.append(("start-day", _("The first payment cannot be in the past.")))
    elif start is not None and start > latest_start(today):
        errors.append(("start-day", _("The first payment must be within a year from today.")))
    return frequency, start


def read_share(form, errors: Errors) -> bool | None:
    answer = read_choice(form, "share", ("yes", "no"), errors, _("Choose yes or no"))
    return None if answer is None else answer == "yes"
