"""The forms of the contact pages: record a phone call, close a promise or a call-back request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.cant_pay.service import OUTCOMES as REQUEST_ENDINGS
from portal.forms.base import Form
from portal.forms.choices import RadiosField, TickField
from portal.forms.fields import MostCharacters, TextAreaField
from portal.models import RequestKind

NOTE_MOST = 2000

#: What happened on a call: (value, label, a conversation with the person, connected to the
#: number). Regulation F counts a call that rang out or reached voicemail (it connected); only a
#: busy signal or a number not in service is "not connected" (comment 14(b)(3)(ii)-1).
OUTCOMES = (
    ("talked", _l("Talked with the person"), True, True),
    ("voicemail", _l("Left a voicemail"), False, True),
    ("no_answer", _l("No answer"), False, True),
    ("not_connected", _l("Busy, or the number is not in service"), False, False),
    ("wrong_number", _l("Wrong number"), False, True),
)
OUTCOME_FACTS = {value: (conversation, connected) for value, _label, conversation, connected in OUTCOMES}
OUTCOME_LABELS = {value: label for value, label, *_facts in OUTCOMES}

#: How a promise or a call-back request ended, by the request's kind.
#: How a promise or call-back may end, in the words the closing form shows; the values are the
#: service's own (portal/cant_pay/service.py OUTCOMES), which the API takes too.
REQUEST_OUTCOME_LABELS = {
    "paid": _l("Paid as promised"),
    "not_paid": _l("Not paid"),
    "talked": _l("Called back and talked"),
    "unreachable": _l("Could not reach them"),
    "other": _l("Something else (say what in the note)"),
}
REQUEST_OUTCOMES = {
    kind: tuple((value, REQUEST_OUTCOME_LABELS[value]) for value in values)
    for kind, values in REQUEST_ENDINGS.items()
}


def _note(label):
    return TextAreaField(label, [MostCharacters(NOTE_MOST, _l("A note can be at most %(most)d characters"))])


class CallForm(Form):
    """A call that was just made. `exception` is removed from an agent's form: only a supervisor
    may record the person's consent to a call the frequency rule would refuse."""

    outcome = RadiosField(
        _l("What happened on the call?"),
        choices=[(value, label) for value, label, *_facts in OUTCOMES],
        required=_l("Choose what happened on the call"),
    )
    note = _note(_l("Note"))
    consented = TickField(
        _l("Placed with the person's consent, given directly to us in the last 7 days, to be called")
    )
    exception = TickField(_l("The person gave consent directly to this call"))

    def validate_note(self, field):
        if "exception" in self and self.exception.data and not field.data:
            raise ValidationError(_l("Write a note saying when and how the person gave their consent"))


class CloseRequestForm(Form):
    """The outcome of a promise to pay or a call-back request, and a note."""

    outcome = RadiosField(_l("How did it end?"), choices=(), required=_l("Choose how it ended"))
    note = _note(_l("Note"))

    def __init__(self, kind: RequestKind, **kwargs):
        super().__init__(**kwargs)
        self.outcome.choices = REQUEST_OUTCOMES[kind]

    def validate_note(self, field):
        if self.outcome.data == "other" and not field.data:
            raise ValidationError(_l("Write a note saying how it ended"))
