"""The "propose your own plan" form: an amount per payment, how often, a start date and a note."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain.money import Money
from portal.domain.schedules import MAX_PAYMENTS, Frequency
from portal.plans.forms import Errors
from portal.support import offers
from portal.support.fields import date_values, read_choice, read_date, read_money, read_text

#: Session keys the affordability check fills: what to put in the form, and the figures the
#: debtor chose to share (sent with the offer, then dropped from the session).
PREFILL = "offer_prefill"
SHARED = "offer_affordability"

#: An offer may start later than the policy allows, but not more than this far ahead.
LATEST_START_DAYS = 365

FREQUENCY_LABELS = {
    Frequency.WEEKLY: _l("Every week"),
    Frequency.EVERY_TWO_WEEKS: _l("Every two weeks"),
    Frequency.MONTHLY: _l("Every month"),
}


def latest_start(today: date) -> date:
    return today + timedelta(days=LATEST_START_DAYS)


def read_offer(form, currency: str, balance: int, today: date, errors: Errors):
    """(Terms, note) from the posted form, or (None, note) with every problem in *errors*."""
    amount = read_money(form, "amount", currency, errors)
    if amount is not None and amount >= balance:
        errors.append(("amount", _("That is the whole amount you owe. You can pay it in full instead.")))
    elif amount is not None and -(-balance // amount) > MAX_PAYMENTS:
        errors.append(("amount", _("That amount would take too many payments. Enter a larger amount.")))
    frequency = read_choice(
        form, "frequency", {f.value for f in Frequency}, errors, _("Choose how often you can pay")
    )
    start = read_date(form, "start", errors, missing=_("Enter the date of the first payment"))
    if start is not None and start < today:
        errors.append(("start-day", _("The first payment cannot be in the past.")))
    elif start is not None and start > latest_start(today):
        errors.append(("start-day", _("The first payment must be within a year from today.")))
    note = read_text(
        form,
        "note",
        offers.NOTE_MAX,
        errors,
        _("Your note must be %(num)s characters or fewer", num=offers.NOTE_MAX),
    )
    if errors:
        return None, note
    return offers.Terms(amount, Frequency(frequency), start), note


def prefill(amount: Money | None, frequency: str | None, start: date | None) -> dict:
    """Form values for the offer form, as the affordability check suggests them."""
    values = {"frequency": frequency or ""}
    if amount is not None and amount.minor > 0:
        values["amount"] = str(amount.as_decimal())
    values.update(date_values("start", start))
    return values
