"""Reading hand-posted fields (money, choices, text, dates) strictly; each error names its field's id."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portal.domain.dates import DateProblem, parse_day_month_year
from portal.forms.checks import Errors, parse_amount, refused_text


def read_money(form, name: str, currency: str, errors: Errors, *, blank_is_zero: bool = False) -> int | None:
    """An amount in minor units; with *blank_is_zero* an empty box (or 0) is zero."""
    raw = (form.get(name) or "").strip()
    if blank_is_zero and raw.lstrip("$€£").strip().strip("0.,") == "":
        return 0
    return parse_amount(raw, currency, name, errors)


def read_choice(form, name: str, allowed, errors: Errors, message: str) -> str | None:
    """One of *allowed* from a radio group whose first radio's id is "<name>-0"."""
    value = form.get(name)
    if value not in allowed:
        errors.append((f"{name}-0", message))
        return None
    return value


def read_text(form, name: str, limit: int, errors: Errors, message: str, *, multiline: bool = True) -> str:
    """Free text, trimmed; longer than *limit* characters is an error with *message*.

    Every free-text field is read here, so none can store a character the database or a later
    page cannot carry (NUL, other control characters); such text is an error at the field.
    """
    text = (form.get(name) or "").strip().replace("\r\n", "\n")
    problem = refused_text(text, multiline=multiline)
    if problem:
        errors.append((name, problem))
    elif len(text) > limit:
        errors.append((name, message))
    return text


def read_date(form, prefix: str, errors: Errors, *, missing: str) -> date | None:
    """A date typed as day, month and year in "<prefix>-day", "-month" and "-year"."""
    field = f"{prefix}-day"
    value = parse_day_month_year(*(form.get(f"{prefix}-{p}") for p in ("day", "month", "year")))
    if value is DateProblem.MISSING:
        errors.append((field, missing))
    elif value is DateProblem.NOT_REAL:
        errors.append((field, _("Enter a real date, for example 15 4 2027")))
    elif isinstance(value, DateProblem):
        errors.append((field, _("Enter the date using numbers, for example 15 4 2027")))
    else:
        return value
    return None


def date_values(prefix: str, day: date | None) -> dict[str, str]:
    """Form values that show *day* in a date field (for prefilling)."""
    if day is None:
        return {}
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}
