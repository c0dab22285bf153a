"""The identity question: date of birth, or postal code where there is no date of birth."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class DateOfBirthForm(FlaskForm):
    day = StringField(_l("Day"))
    month = StringField(_l("Month"))
    year = StringField(_l("Year"))

    def parsed(self) -> date | None:
        """The date typed, or None with self.date_error set to say what is wrong."""
        self.date_error = None
        raw = [(f.data or "").strip() for f in (self.day, self.month, self.year)]
        if not any(raw):
            self.date_error = _l("Enter your date of birth")
            return None
        if not all(raw):
            self.date_error = _l("Your date of birth must include a day, month and year")
            return None
        if not all(part.isdigit() for part in raw) or len(raw[2]) != 4:
            self.date_error = _l("Enter your date of birth using numbers, for example 27 3 1980")
            return None
        try:
            value = date(int(raw[2]), int(raw[1]), int(raw[0]))
        except ValueError:
            self.date_error = _l("Your date of birth must be a real date")
            return None
        if value >= date.today():
            self.date_error = _l("Your date of birth must be in the past")
            return None
        return value


class PostalCodeForm(FlaskForm):
    postal_code = StringField(_l("Postal code"))
