"""The Results page's filters: which creditor and which dates. A GET form, so a filtered page
(and each of its CSV downloads) is a link that can be shared or bookmarked."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.fields import DATE_PARTS, DayMonthYearField

#: The creditor filter's value for every creditor the person may see.
ALL = "all"
#: With no dates asked for, the page shows this many days, ending today.
DEFAULT_DAYS = 84

_USING_NUMBERS = _l("Enter the date using numbers, for example %(example)s")
_NOT_REAL = _l("Enter a real date, for example %(example)s")


class ResultsFilterForm(Form):
    """One creditor or all of them, and an inclusive range of whole UTC days ending by today."""

    creditor = RadiosField(_l("Creditor"), choices=(), required=_l("Choose a creditor"))
    start = DayMonthYearField(
        _l("From"),
        name="from",
        messages={
            DateProblem.MISSING: _l("Enter the first day of the period"),
            DateProblem.INCOMPLETE: _USING_NUMBERS,
            DateProblem.NOT_NUMBERS: _USING_NUMBERS,
            DateProblem.NOT_REAL: _NOT_REAL,
        },
    )
    end = DayMonthYearField(
        _l("To"),
        name="to",
        messages={
            DateProblem.MISSING: _l("Enter the last day of the period"),
            DateProblem.INCOMPLETE: _USING_NUMBERS,
            DateProblem.NOT_NUMBERS: _USING_NUMBERS,
            DateProblem.NOT_REAL: _NOT_REAL,
        },
    )

    def __init__(self, *, creditor_choices, today: date, **kwargs):
        self.today = today
        super().__init__(meta={"csrf": False}, **kwargs)  # a GET form changes nothing
        for field in (self.start, self.end):
            field.earliest, field.latest = today - timedelta(days=DEFAULT_DAYS), today
        self.creditor.choices = creditor_choices

    def validate_end(self, field):
        # Nothing is recorded after today, and a far-off end (year 9999) would overflow the window.
        if field.data > self.today:
            raise ValidationError(
                _("The period must end by today, %(today)s", today=format_date(self.today, "long"))
            )
        if self.start.data is not None and field.data < self.start.data:
            raise ValidationError(_("The last day must be the same as or after the first day"))

    def query_args(self) -> dict[str, str]:
        """The filters as read, for links to the same figures (the CSV downloads)."""
        args = {"creditor": self.creditor.data}
        for field in (self.start, self.end):
            args.update({field.part_name(part): field.shown(part) for part in DATE_PARTS})
        return args


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def filters_from(args: MultiDict, creditor_choices, today: date) -> ResultsFilterForm:
    """The form read from the query string; a filter not in it at all takes its default (all the
    person's creditors, the last DEFAULT_DAYS days), while one sent empty is an error to show."""
    given = MultiDict(args)
    given.setdefault("creditor", ALL)
    for name, default in zip(("from", "to"), default_period(today), strict=True):
        parts = [f"{name}-{part}" for part in DATE_PARTS]
        if not any(part in given for part in parts):
            for part, value in zip(parts, (default.day, default.month, default.year), strict=True):
                given[part] = str(value)
    return ResultsFilterForm(creditor_choices=creditor_choices, today=today, formdata=given)
