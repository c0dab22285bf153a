"""Reading the promise-to-pay and call-back answers, one page's answer at a time.

Each question page reads only its own answer; `read_promise` and `read_callback` read them all
again on the check page, so answers saved earlier are checked once more before anything is sent
(a date can leave the window overnight; a payment can make the balance smaller than a part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.cant_pay import service as cant_pay
from portal.forms.checks import Errors
from portal.forms.reading import read_choice, read_date, read_money, read_text
from portal.i18n import long_date

DAY_LABELS = {
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
}
TIME_LABELS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening")}

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().\-]+$")


# --- Promise to pay ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    on: date
    amount: int | None  # None: the full amount


def read_promise_date(form, window: tuple[date, date], errors: Errors) -> date | None:
    """The promised day, typed in "date-day", "-month" and "-year"; it must be inside *window*."""
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
        return None
    return on


def read_promise_amount(form, currency: str, balance: int, errors: Errors) -> tuple[str, int | None] | None:
    """("full", None), or ("part", minor units) for a first payment smaller than *balance*."""
    how_much = read_choice(
        form,
        "how_much",
        ("full", "part"),
        errors,
        _("Choose whether you will pay the full amount or part of it"),
    )
    if how_much is None:
        return None
    if how_much == "full":
        return ("full", None)
    amount = read_money(form, "amount", currency, errors)
    if amount is None:
        return None
    if amount >= balance:
        errors.append(("amount", _("That is the whole amount you owe. Choose the full amount instead.")))
        return None
    return ("part", amount)


def read_promise(
    form, currency: str, balance: int, window: tuple[date, date], errors: Errors
) -> Promise | None:
    """Both promise answers; None (with *errors*) if either is not right."""
    on = read_promise_date(form, window, errors)
    how_much = read_promise_amount(form, currency, balance, errors)
    if on is None or how_much is None:
        return None
    return Promise(on, how_much[1])


# --- Hardship call-back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    phone: str
    days: list[str]
    times: list[str]
    explanation: str


def read_phone(form, errors: Errors) -> str | None:
    """A phone number of 7 to 15 digits, spaces tidied; the usual punctuation is allowed."""
    phone = " ".join((form.get("phone") or "").split())
    digits = re.sub(r"\D", "", phone)
    if not phone:
        errors.append(("phone", _("Enter a phone number we can call you on")))
        return None
    if not _PHONE_CHARACTERS.match(phone) or not 7 <= len(digits) <= 15:
        errors.append(("phone", _("Enter a phone number using numbers only, for example 312 555 0100")))
        return None
    return phone


def read_call_days(form) -> list[str]:
    """The ticked weekdays, in the week's order; anything else is ignored (none: any day)."""
    ticked = set(form.getlist("days"))
    return [day for day in cant_pay.CALL_DAYS if day in ticked]


def read_call_times(form) -> list[str]:
    """The ticked times of day, in the day's order; anything else is ignored (none: any time)."""
    ticked = set(form.getlist("times"))
    return [time for time in cant_pay.CALL_TIMES if time in ticked]


def read_explanation(form, errors: Errors) -> str | None:
    """What is happening, in the debtor's words (may be empty), up to EXPLANATION_MAX characters."""
    before = len(errors)
    explanation = read_text(
        form,
        "explanation",
        cant_pay.EXPLANATION_MAX,
        errors,
        _("Your explanation must be %(num)s characters or fewer", num=cant_pay.EXPLANATION_MAX),
    )
    return None if len(errors) > before else explanation


def read_callback(form, errors: Errors) -> Callback | None:
    """Every call-back answer; None (with *errors*) if the phone number or the explanation is not right."""
    phone = read_phone(form, errors)
    explanation = read_explanation(form, errors)
    if phone is None or explanation is None:
        return None
    return Callback(phone, read_call_days(form), read_call_times(form), explanation)
