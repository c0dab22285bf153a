"""Fields that read what a person typed: text, a text area, an amount of money and a date typed
into day, month and year boxes. Each keeps what was typed to show again beside its error, unless
told not to (an identity answer is never sent back), and refuses hidden characters kindly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from portal.domain.dates import DateProblem, parse_day_month_year
from portal.domain.locale_dates import DAY_FIRST
from portal.forms.checks import parse_amount, refused_text
from portal.i18n import date_example, page_date_order

DATE_PARTS = ("day", "month", "year")
#: Each box's label and width; the boxes stand in the order the reader writes dates.
_PART_LABELS = {"day": _l("Day"), "month": _l("Month"), "year": _l("Year")}
_PART_WIDTHS = {"day": "width-2", "month": "width-2", "year": "width-4"}


class _TypedField(Field):
    """A field of one input whose text is kept as typed (`typed`) beside what was read (`data`)."""

    def __init__(self, label=None, validators=None, *, required=None, keeps_typed: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        #: The error when nothing is typed; None when an empty answer is an answer too.
        self.required = required
        #: False for answers never to be sent back in a page, such as the identity check's.
        self.keeps_typed = keeps_typed
        self.typed = ""

    def process_data(self, value):
        self.data = value
        self.typed = "" if value is None else str(value)

    def process_formdata(self, valuelist):
        # Of a field posted twice only the first counts, as request.form.get always read it.
        self.typed = valuelist[0] if valuelist else ""
        self.data = self.read(self.typed)

    def read(self, typed: str):
        return typed

    def shown(self) -> str:
        """What the input shows: what was typed, or nothing for an answer never sent back."""
        return self.typed if self.keeps_typed else ""


class TextField(_TypedField):
    """One line of free text; `data` is it with its spaces tidied (runs of spaces made one)."""

    multiline = False

    def read(self, typed: str) -> str:
        return " ".join(typed.split())

    def pre_validate(self, form):
        if refused := refused_text(self.data or "", multiline=self.multiline):
            raise StopValidation(refused)
        if self.required is not None and not self.data:
            raise StopValidation(self.required)


class TextAreaField(TextField):
    """Free text over several lines; `data` keeps its line breaks, without spaces around it."""

    multiline = True

    def read(self, typed: str) -> str:
        return typed.replace("\r\n", "\n").strip()


class PasswordField(_TypedField):
    """A secret typed exactly as meant: spaces kept, never sent back in a page."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, keeps_typed=False, **kwargs)

    def pre_validate(self, form):
        if self.required is not None and not self.data:
            raise StopValidation(self.required)


class MostCharacters:
    """Refuse text longer than *most* characters; *message* may name the limit as %(most)d."""

    def __init__(self, most: int, message):
        self.most, self.message = most, message

    def __call__(self, form, field):
        if len(field.data or "") > self.most:
            raise ValidationError(str(self.message) % {"most": self.most})


class MoneyField(_TypedField):
    """An amount typed in the reader's own way of writing numbers; `data` is in minor units.

    The currency is the form's `currency` attribute; the rules are those of every amount page.
    """

    def read(self, typed: str):
        return None  # read in pre_validate, where the form (and so the currency) is known

    def pre_validate(self, form):
        errors: list[tuple[str, str]] = []
        self.data = parse_amount(self.typed, form.currency, self.id, errors)
        if errors:
            raise StopValidation(errors[0][1])


class DayMonthYearField(Field):
    """A date typed into three boxes named `<name>-day`, `<name>-month` and `<name>-year` (or
    `day`, `month`, `year` with part_prefix=""); `data` is the date, or None if it is not one.

    *messages* gives the page's own words for each DateProblem, as each page asks about a
    different date; a message may hold %(example)s, filled with an example date in the reader's
    order: *example* if given (a date of birth), else one inside `earliest`..`latest` (a page
    that knows its range sets them; earliest defaults to today).
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        messages: Mapping[DateProblem, str],
        part_prefix: str | None = None,
        keeps_typed: bool = True,
        example: date | None = None,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        missing = set(DateProblem) - set(messages)
        if missing:
            raise ValueError(f"no message for {sorted(missing)}")
        self.messages = messages
        self.part_prefix = f"{self.name}-" if part_prefix is None else part_prefix
        self.keeps_typed = keeps_typed
        self.typed = dict.fromkeys(DATE_PARTS, "")
        self.problem: DateProblem | None = None
        self.example = example
        #: The range a page allows, when it knows it: the example in a message lies inside it.
        self.earliest: date | None = None
        self.latest: date | None = None

    @property
    def order(self) -> tuple[str, str, str]:
        """The boxes' parts in the order the page's reader writes dates (month first in the US)."""
        return page_date_order()

    def parts(self) -> list[tuple[str, str, str]]:
        """(part, label, width class) for each box, in the reader's order."""
        return [(part, str(_PART_LABELS[part]), _PART_WIDTHS[part]) for part in self.order]

    @property
    def anchor(self) -> str:
        """The first box in the reader's order, where the error summary sends the reader."""
        return f"{self.id}-{self.order[0]}"

    def example_text(self) -> str:
        """The example date for this question, as the reader types it ("11 13 2026")."""
        return date_example(self.earliest, self.latest, on=self.example)

    def message(self, problem: DateProblem) -> str:
        """The page's words for *problem*, with its example (if it shows one) in the reader's order.

        A message may also be given per order of the boxes ({MONTH_FIRST: ..., DAY_FIRST: ...}),
        for words that name the parts ("must include a month, day and year").
        """
        text = self.messages[problem]
        if isinstance(text, Mapping):
            text = text.get(self.order) or text[DAY_FIRST]
        text = str(text)
        return text % {"example": self.example_text()} if "%(example)s" in text else text

    def part_name(self, part: str) -> str:
        """The name the box for *part* ("day", "month" or "year") is posted under."""
        return f"{self.part_prefix}{part}"

    def part_id(self, part: str) -> str:
        return f"{self.id}-{part}"

    def process(self, formdata, data=unset_value, extra_filters=None):
        # Three inputs, none named after the field itself: read each part by its own name.
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data, self.problem = data, None
        if data is not None:
            self.typed = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is not None:
            self.typed = {part: formdata.get(self.part_name(part)) or "" for part in DATE_PARTS}
            self.raw_data = list(self.typed.values())
            value = parse_day_month_year(*self.typed.values())
            if isinstance(value, DateProblem):
                self.data, self.problem = None, value
            else:
                self.data = value

    def pre_validate(self, form):
        if self.problem is not None:
            raise StopValidation(self.message(self.problem))

    def shown(self, part: str) -> str:
        """What the box for *part* shows: what was typed, or nothing for an answer never sent back."""
        return self.typed[part] if self.keeps_typed else ""
