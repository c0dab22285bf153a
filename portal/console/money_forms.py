"""The forms of the money pages: record a payment made outside the portal, refund a payment."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import StopValidation, ValidationError

from portal.domain.dates import DateProblem
from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.fields import DayMonthYearField, MoneyField, MostCharacters, TextAreaField, TextField

#: How money received outside the portal came, as Payment.method stores it (OUTSIDE_METHODS).
METHODS = [
    ("cheque", _l("Cheque")),
    ("phone", _l("Phone payment")),
    ("bank_transfer", _l("Bank transfer")),
    ("other", _l("Other")),
]
METHOD_NAMES = dict(METHODS)
REFERENCE_MOST = 100
REASON_MOST = 2000

_USING_NUMBERS = _l("Enter the date using numbers, for example %(example)s")
RECEIVED_MESSAGES = {
    DateProblem.MISSING: _l("Enter the date the money was received"),
    DateProblem.INCOMPLETE: _USING_NUMBERS,
    DateProblem.NOT_NUMBERS: _USING_NUMBERS,
    DateProblem.NOT_REAL: _l("Enter a real date, for example %(example)s"),
}


class OutsidePaymentForm(Form):
    amount = MoneyField(_l("Amount received"))
    received = DayMonthYearField(_l("Date received"), messages=RECEIVED_MESSAGES)
    method = RadiosField(_l("How it was paid"), choices=METHODS, required=_l("Choose how it was paid"))
    reference = TextField(
        _l("Reference"),
        [MostCharacters(REFERENCE_MOST, _l("A reference can be at most %(most)d characters"))],
        required=_l("Enter the reference: the cheque number, or the payment or transfer reference"),
    )

    def __init__(self, currency: str, today: date, **kwargs):
        self.currency, self.today = currency, today
        super().__init__(**kwargs)
        # Money recorded here has usually just arrived: the example is a recent day, not a future one.
        self.received.earliest = today - timedelta(days=30)
        self.received.latest = today

    def validate_received(self, field):
        if field.data is not None and field.data > self.today:
            raise ValidationError(_l("The date received cannot be in the future"))


class PartMoneyField(MoneyField):
    """The amount of a part refund: asked only when "part" is chosen."""

    def pre_validate(self, form):
        if form.how_much.data != "part":
            self.data = None
            raise StopValidation()  # not asked, so not an error
        super().pre_validate(form)


class RefundForm(Form):
    how_much = RadiosField(
        _l("How much to refund"),
        choices=[("full", _l("All that is left of it")), ("part", _l("Part of it"))],
        required=_l("Choose all of it or part of it"),
    )
    amount = PartMoneyField(_l("Amount to refund"))
    reason = TextAreaField(
        _l("Reason"),
        [MostCharacters(REASON_MOST, _l("A reason can be at most %(most)d characters"))],
        required=_l("Write why the money is refunded"),
    )
    #: What the payment had refunded when the page was shown: if it moved, nothing is refunded.
    seen = HiddenField()

    def __init__(self, currency: str, **kwargs):
        self.currency = currency
        super().__init__(**kwargs)

    def seen_refunded(self) -> int | None:
        text = self.seen.data or ""
        return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None
