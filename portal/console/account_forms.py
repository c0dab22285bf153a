"""The account page's small forms: send a link, add a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.fields import MostCharacters, TextAreaField

NOTE_MOST = 2000


class SendLinkForm(Form):
    channel = RadiosField(
        _l("Send the link by"),
        choices=[
            ("preferred", _l("The way the person prefers")),
            ("email", _l("Email")),
            ("sms", _l("Text message")),
        ],
        required=_l("Choose how to send the link"),
        default="preferred",
    )


class NoteForm(Form):
    note = TextAreaField(
        _l("Note"),
        [MostCharacters(NOTE_MOST, _l("A note can be at most %(most)d characters"))],
        required=_l("Write the note"),
    )
