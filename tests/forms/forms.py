"""Small forms made of each kit field, for the tests here."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.choices import CheckboxesField, RadiosField, TickField
from portal.forms.fields import DayMonthYearField, MoneyField, MostCharacters, TextAreaField, TextField
from portal.forms.files import FileField

FIRST_DATE = {
    DateProblem.MISSING: _l("Enter the date of the first payment"),
    DateProblem.INCOMPLETE: _l("Enter the date using numbers, for example 15 4 2027"),
    DateProblem.NOT_NUMBERS: _l("Enter the date using numbers, for example 15 4 2027"),
    DateProblem.NOT_REAL: _l("The date of the first payment must be a real date"),
}
COLOURS = [("red", "Red"), ("green", "Green"), ("blue", "Blue")]


class TextForm(Form):
    name = TextField(
        "Name", [MostCharacters(10, "Name must be %(most)d characters or fewer")], required="Enter a name"
    )


class OptionalTextForm(Form):
    times = TextField("Times")


class NoteForm(Form):
    note = TextAreaField("Note", required="Enter a note")


class SecretForm(Form):
    code = TextField("Code", keeps_typed=False, required="Enter your code")


class AmountForm(Form):
    amount = MoneyField("Amount")

    def __init__(self, currency="USD", **kwargs):
        self.currency = currency
        super().__init__(**kwargs)


class FirstDateForm(Form):
    first = DayMonthYearField("First payment", messages=FIRST_DATE)

    def validate_first(self, field):
        if field.data <= date(2026, 1, 1):
            raise ValidationError("The date of the first payment must be in the future")


class BareDateForm(Form):
    dob = DayMonthYearField("Date of birth", messages=FIRST_DATE, part_prefix="", keeps_typed=False)


class ColourForm(Form):
    colour = RadiosField("Colour", choices=COLOURS, required="Choose a colour")

    def validate_colour(self, field):
        if field.data == "blue":
            field.error_value = "blue"
            raise ValidationError("Blue is sold out")


class ColoursForm(Form):
    colours = CheckboxesField("Colours", choices=lambda: COLOURS)


class SomeColoursForm(Form):
    colours = CheckboxesField("Colours", choices=COLOURS, required="Tick at least one colour")


class TwoQuestionsForm(Form):
    """Two fields in this order, so the summary's order can be checked."""

    name = TextField("Name", required="Enter a name")
    colour = RadiosField("Colour", choices=COLOURS, required="Choose a colour")


class AgreeForm(Form):
    """An agreement the next step needs."""

    agree = TickField("I agree", required="Tick the box to agree")


class NewsForm(Form):
    """A box that may be left unticked."""

    news = TickField("Send me news", value="1")


class UploadForm(Form):
    upload = FileField("Your document")


class PlanForm(Form):
    """Two questions, for filling from saved answers: one that may turn wrong, one optional."""

    first = DayMonthYearField("First payment", messages=FIRST_DATE)
    colours = CheckboxesField("Colours", choices=COLOURS)

    def validate_first(self, field):
        if field.data <= date(2026, 1, 1):
            raise ValidationError("The date of the first payment must be in the future")
