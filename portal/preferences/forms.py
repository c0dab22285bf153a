"""The contact preferences questions, one form a page. Each refuses what the person cannot choose
(a way we have no details for, or one they also asked us to stop) beside the option it is about."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.forms.base import Form
from portal.forms.choices import CheckboxesField, RadiosField
from portal.forms.fields import MostCharacters, TextField
from portal.i18n import LANGUAGE_NAMES
from portal.models import Debtor
from portal.notify import rules
from portal.preferences.service import Preferences

#: Longest "best time" note; the column holds 120 characters.
TIMES_MAX = 120

#: The ways we may use, as offered for "the best way to contact you".
CHANNEL_LABELS = {
    rules.EMAIL: _l("Email"),
    rules.SMS: _l("Text message (SMS)"),
    rules.PHONE: _l("Phone call"),
    rules.POST: _l("Letter by post"),
}
#: The same ways, as offered for stopping.
STOP_LABELS = {
    rules.EMAIL: _l("Emails"),
    rules.SMS: _l("Text messages (SMS)"),
    rules.PHONE: _l("Phone calls"),
    rules.POST: _l("Letters by post"),
}
_NO_PHONE = _l("We do not have a phone number for you. Choose another way, or contact us to give us one.")
_NO_ADDRESS = {
    rules.EMAIL: _l(
        "We do not have an email address for you. Choose another way, or contact us to give us one."
    ),
    rules.SMS: _NO_PHONE,
    rules.PHONE: _NO_PHONE,
    rules.POST: _l("We do not have your postal address. Choose another way, or contact us to give us one."),
}


def _languages() -> list[tuple[str, str]]:
    # Each language named in itself, in the order the portal offers them.
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["SUPPORTED_LOCALES"]]


class ChannelForm(Form):
    """What is the best way to contact you? One we have details for and were not asked to stop."""

    channel = RadiosField(
        _l("What is the best way to contact you?"),
        choices=CHANNEL_LABELS.items,
        required=_l("Choose the best way to contact you"),
    )

    def __init__(self, debtor: Debtor, held: Preferences, **kwargs):
        self.debtor, self.held = debtor, held
        super().__init__(channel=held.channel, **kwargs)

    def validate_channel(self, field):
        if field.data in self.held.stopped:
            field.error_value = field.data
            raise ValidationError(
                _(
                    "You also asked us to stop using “%(channel)s”. Choose another way, or untick "
                    "it under “Ways you want us to stop using”.",
                    channel=CHANNEL_LABELS[field.data],
                )
            )
        if not rules.has_address(self.debtor, field.data):
            field.error_value = field.data
            raise ValidationError(str(_NO_ADDRESS[field.data]))


class TimesForm(Form):
    """When is the best time to contact you? Optional: "" (no time given) is an answer too."""

    times = TextField(
        _l("When is the best time to contact you? (optional)"),
        [MostCharacters(TIMES_MAX, _l("The best time to contact you must be %(most)d characters or fewer"))],
    )


class LanguageForm(Form):
    """Which language should we use? One of the languages the portal speaks."""

    language = RadiosField(
        _l("Which language should we use?"),
        choices=_languages,
        required=_l("Choose a language"),
        labels_in_own_language=True,
    )


class StopForm(Form):
    """Ways you want us to stop using; none ticked is an answer too (it lets us use them all again)."""

    stop = CheckboxesField(_l("Ways you want us to stop using"), choices=STOP_LABELS.items)

    def __init__(self, held: Preferences, **kwargs):
        self.held = held
        super().__init__(stop=held.stopped, **kwargs)

    def validate_stop(self, field):
        # Only a way newly ticked is refused: one stopped earlier through the one-click email link
        # while it was the best way stays stopped, and the "best way" page asks for another.
        if self.held.channel in field.data - self.held.stopped:
            field.error_value = self.held.channel
            raise ValidationError(
                _(
                    "You told us the best way to contact you is “%(channel)s”. Untick it, or choose "
                    "another best way to contact you first.",
                    channel=CHANNEL_LABELS[self.held.channel],
                )
            )
