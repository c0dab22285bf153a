"""The promise-to-pay and call-back forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import long_date
from portal.plans.forms import Errors
from portal.support import cant_pay
from portal.support.fields import read_choice, read_date, read_money, read_text

DAY_LABELS = {
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
}
TIME_LABELS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening")}

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().\-]+$")


@dataclass(frozen=True)
class Promise:
    on: date
    amount: int | None  # None: the full amount


def read_promise(
    form, currency: str, balance: int, window: tuple[date, date], errors: Errors
) -> Promise | None:
    first, last = window
    on = read_date(form, "date", errors, missing=_("Enter the date you will pay"))
    if on is not None and not first <= on <= last:
        errors.append(
            (
                "date-day",
                _(
                    "The date must be between %(first)s and %(last)s",
                    first=long_date(first),
                    last=long_date(last),
                ),
            )
        )
    how_much = read_choice(
        form,
        "how_much",
        ("full", "part"),
        errors,
        _("Choose whether you will pay the full amount or part of it"),
    )
    amount = None
    if how_much == "part":
        amount = read_money(form, "amount", currency, errors)
        if amount is not None and amount >= balance:
            errors.append(("amount", _("That is the whole amount you owe. Choose the full amount instead.")))
    if errors:
        return None
    return Promise(on, amount)


@dataclass(frozen=True)
class Callback:
    phone: str
    days: list[str]
    times: list[str]
    explanation: str


def read_callback(form, errors: Errors) -> Callback | None:
    explanation = read_text(
        form,
        "explanation",
        cant_pay.EXPLANATION_MAX,
        errors,
        _("Your explanation must be %(num)s characters or fewer", num=cant_pay.EXPLANATION_MAX),
    )
    phone = " ".join((form.get("phone") or "").split())
    digits = re.sub(r"\D", "", phone)
    if not phone:
        errors.append(("phone", _("Enter a phone number we can call you on")))
    elif not _PHONE_CHARACTERS.match(phone) or not 7 <= len(digits) <= 15:
        errors.append(("phone", _("Enter a phone number using numbers only, for example 312 555 0100")))
    days = [d for d in form.getlist("days") if d in cant_pay.CALL_DAYS]
    times = [t for t in form.getlist("times") if t in cant_pay.CALL_TIMES]
    if errors:
        return None
    return Callback(phone, days, times, explanation)
