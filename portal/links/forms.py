"""The identity question: date of birth, or postal code where there is no date of birth. The
answer is never sent back in a page, so neither field shows what was typed."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.dates import DateProblem
from portal.domain.locale_dates import DAY_FIRST, MONTH_FIRST, YEAR_FIRST
from portal.forms.base import Form
from portal.forms.fields import DayMonthYearField, TextField

#: The example birth date the question shows, written in the reader's order ("3 27 1980" in the US).
EXAMPLE_BIRTH_DATE = date(1980, 3, 27)

_DATE_ERRORS = {
    DateProblem.MISSING: _l("Enter your date of birth"),
    # The parts named in the order the reader's boxes stand.
    DateProblem.INCOMPLETE: {
        MONTH_FIRST: _l("Your date of birth must include a month, day and year"),
        DAY_FIRST: _l("Your date of birth must include a day, month and year"),
        YEAR_FIRST: _l("Your date of birth must include a year, month and day"),
    },
    DateProblem.NOT_NUMBERS: _l("Enter your date of birth using numbers, for example %(example)s"),
    DateProblem.NOT_REAL: _l("Your date of birth must be a real date"),
}


class DateOfBirthForm(Form):
    """What is your date of birth? Posted as day, month and year (the names browsers autofill)."""

    dob = DayMonthYearField(
        _l("What is your date of birth?"),
        messages=_DATE_ERRORS,
        part_prefix="",
        keeps_typed=False,
        example=EXAMPLE_BIRTH_DATE,
    )

    def validate_dob(self, field):
        if field.data >= date.today():
            raise ValidationError(_l("Your date of birth must be in the past"))


class PostalCodeForm(Form):
    """What is your postal code?"""

    # The field's own name; the page asks it as a question.
    postal_code = TextField(_l("Postal code"), required=_l("Enter your postal code"), keeps_typed=False)
