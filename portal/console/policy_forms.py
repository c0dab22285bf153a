"""The policy form: every setting `set-policy` offers, with its label and hint. What the form
reads is checked by the same function the command calls (accounts.policies.change_typed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from portal.domain.money import Money
from portal.domain.policy import AMOUNTS, FLAGS, Policy
from portal.domain.schedules import Frequency
from portal.forms.base import Form
from portal.forms.choices import CheckboxesField, RadiosField
from portal.forms.fields import TextField

#: The page's sections and the settings in each, in the order the form shows them.
SECTIONS = (
    (_l("Currency"), ("currency",)),
    (_l("Part payments"), ("part_payments", "part_minimum")),
    (_l("Settlements"), ("settlement", "settlement_max_discount_pct", "settlement_days")),
    (
        _l("Instalment plans"),
        (
            "instalments",
            "frequencies",
            "instalment_minimum",
            "max_instalments",
            "max_duration_days",
            "first_payment_within_days",
            "down_payment_required",
            "down_payment_minimum",
            "small_final_payment",
        ),
    ),
    (_l("Missed payments"), ("grace_days", "retry_days", "misses_before_broken")),
    (_l("Hardship and contact"), ("hardship_pause_days", "contact_limit_7d")),
)
SETTINGS = tuple(name for _heading, names in SECTIONS for name in names)

LABELS = {
    "currency": _l("Currency the amounts are in"),
    "part_payments": _l("May debtors pay part of what they owe?"),
    "part_minimum": _l("Smallest part payment"),
    "settlement": _l("May debtors settle for less than they owe?"),
    "settlement_max_discount_pct": _l("Largest settlement discount, in percent"),
    "settlement_days": _l("Days a settlement offer stays open"),
    "instalments": _l("May debtors pay by instalments?"),
    "frequencies": _l("How often instalments may fall due"),
    "instalment_minimum": _l("Smallest instalment"),
    "max_instalments": _l("Most instalments in a plan"),
    "max_duration_days": _l("Longest plan, in days"),
    "first_payment_within_days": _l("Days within which the first payment must fall"),
    "down_payment_required": _l("Must a plan start with a down payment?"),
    "down_payment_minimum": _l("Smallest down payment"),
    "small_final_payment": _l("May the last instalment be smaller than the smallest instalment?"),
    "grace_days": _l("Days of grace after a missed payment"),
    "retry_days": _l("Days after the due date to try a declined payment again"),
    "misses_before_broken": _l("Missed payments before a plan is broken"),
    "hardship_pause_days": _l("Days a hardship request pauses reminders"),
    "contact_limit_7d": _l("Most messages to one person in any 7 days"),
}

HINTS = {
    "currency": _l(
        "An ISO 4217 code, such as USD. The amounts below are read in this currency; "
        "changing it does not convert them."
    ),
    "part_payments": _l("Yes lets a debtor pay any amount from the smallest part payment up."),
    "part_minimum": _l("In major units, such as 10.00. Not above the largest balance owed to this creditor."),
    "settlement": _l("Yes offers the discount below to anyone who pays the rest at once."),
    "settlement_max_discount_pct": _l("A whole number from 0 to 100. 0 offers no discount."),
    "settlement_days": _l("At least 1 when settlements are allowed."),
    "instalments": _l("Yes lets a debtor set up a plan within the limits below."),
    "frequencies": _l("Tick at least one when instalments are allowed."),
    "instalment_minimum": _l("In major units, such as 25.00. Not above the largest balance owed."),
    "max_instalments": _l("A whole number from 2 to 360, the down payment included."),
    "max_duration_days": _l("At least 7: from today to the last payment."),
    "first_payment_within_days": _l("0 or more days from the day the plan is agreed."),
    "down_payment_required": _l("Yes makes the first payment a down payment of at least the amount below."),
    "down_payment_minimum": _l("In major units, such as 50.00; 0 for no minimum."),
    "small_final_payment": _l("Yes lets the last instalment be the remainder, however small."),
    "grace_days": _l(
        "0 or more: how long a debtor has to pay a missed instalment before it counts as missed."
    ),
    "retry_days": _l(
        "Increasing whole days, separated by commas, such as 3,7. Leave empty to try each payment once."
    ),
    "misses_before_broken": _l("At least 1."),
    "hardship_pause_days": _l("From 1 to 365."),
    "contact_limit_7d": _l("From 1 to 50, email and text messages together."),
}

FREQUENCY_LABELS = {
    Frequency.WEEKLY.value: _l("Every week"),
    Frequency.EVERY_TWO_WEEKS.value: _l("Every two weeks"),
    Frequency.MONTHLY.value: _l("Every month"),
}
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def kind_of(name: str) -> str:
    """How the setting is asked: "flag" (yes or no), "frequencies" (ticks) or "text"."""
    if name in FLAGS:
        return "flag"
    return "frequencies" if name == "frequencies" else "text"


def _field(name: str):
    label = LABELS[name]
    if name in FLAGS:
        return RadiosField(label, choices=YES_NO, required=_l("Choose yes or no"))
    if name == "frequencies":
        return CheckboxesField(label, choices=list(FREQUENCY_LABELS.items()))
    if name == "retry_days":
        return TextField(label)  # empty is an answer: no retries
    return TextField(label, required=_l("Enter a value for “%(setting)s”", setting=label))


class PolicyForm(Form):
    #: The version the form was filled from: saving refuses if another was saved since.
    version = HiddenField()


for _name in SETTINGS:
    setattr(PolicyForm, _name, _field(_name))


def prefill(version: int, policy: Policy) -> dict:
    """The form's values for *policy*, written as a person would type them."""
    data: dict = {"version": str(version)}
    for name, value in policy.to_dict().items():
        if name in FLAGS:
            data[name] = "yes" if value else "no"
        elif name in AMOUNTS:
            data[name] = str(Money(value, policy.currency).as_decimal())
        elif name == "retry_days":
            data[name] = ",".join(str(day) for day in value)
        else:
            data[name] = value
    return data


def typed(form: PolicyForm) -> dict:
    """What was posted, as set-policy's options would give it."""
    given = {}
    for name in SETTINGS:
        field = form[name]
        if name in FLAGS:
            given[name] = field.data == "yes"
        elif name == "frequencies":
            given[name] = ",".join(value for value in FREQUENCY_LABELS if value in field.data)
        else:
            given[name] = field.data or ""
    return given


def based_on(form: PolicyForm) -> int:
    """The version the form was filled from; -1 (matching none) for a tampered value."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1
