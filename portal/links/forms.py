"""The identity question: date of birth, or postal code where there is no date of birth."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.domain.dates import DateProblem, parse_day_month_year

_DATE_ERRORS = {
    DateProblem.MISSING: _l("Enter your date of birth"),
    DateProblem.INCOMPLETE: _l("Your date of birth must include a day, month and year"),
    DateProblem.NOT_NUMBERS: _l("Enter your date of birth using numbers, for example 27 3 1980"),
    DateProblem.NOT_REAL: _l("Your date of birth must be a real date"),
}


class DateOfBirthForm(FlaskForm):
    day = StringField(_l("Day"))
    month = StringField(_l("Month"))
    year = StringField(_l("Year"))

    def parsed(self) -> date | None:
        """The date typed, or None with self.date_error set to say what is wrong."""
        self.date_error = None
        value = parse_day_month_year(self.day.data, self.month.data, self.year.data)
        if isinstance(value, DateProblem):
            self.date_error = _DATE_ERRORS[value]
            return None
        if value >= date.today():
            self.date_error = _l("Your date of birth must be in the past")
            return None
        return value


class PostalCodeForm(FlaskForm):
    postal_code = StringField(_l("Postal code"))
