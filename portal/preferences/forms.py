"""The contact preferences form: read by hand, strict, and every error names its field."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from portal.models import Debtor
from portal.notify import rules
from portal.preferences.service import Preferences

Errors = list[tuple[str, str]]

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


class PreferencesForm(FlaskForm):
    """Fields are read by hand from the request; this gives the form its CSRF protection."""


def field_id(name: str, value: str | None = None) -> str:
    """The id of a field, or of one radio or checkbox by value: what the error summary links to."""
    if name == "times":
        return "times"
    if name == "language":
        options = list(current_app.config["SUPPORTED_LOCALES"])
    else:
        options = list(rules.CHANNELS)
    return f"{name}-{options.index(value) if value in options else 0}"


def parse(form: MultiDict, debtor: Debtor) -> tuple[Preferences | None, Errors]:
    """The preferences posted in *form*, or None and the errors to show."""
    errors: Errors = []
    channel = form.get("channel")
    stopped = frozenset(c for c in form.getlist("stop") if c in rules.CHANNELS)
    if channel not in rules.CHANNELS:
        errors.append((field_id("channel"), _("Choose the best way to contact you")))
    elif channel in stopped:
        errors.append(
            (
                field_id("channel", channel),
                _(
                    "You also asked us to stop using “%(channel)s”. Choose another way, or untick "
                    "it under “Ways you want us to stop using”.",
                    channel=CHANNEL_LABELS[channel],
                ),
            )
        )
    elif not rules.has_address(debtor, channel):
        errors.append((field_id("channel", channel), str(_NO_ADDRESS[channel])))

    times = " ".join((form.get("times") or "").split())
    if len(times) > TIMES_MAX:
        errors.append(
            ("times", _("The best time to contact you must be %(most)d characters or fewer", most=TIMES_MAX))
        )

    language = form.get("language")
    if language not in current_app.config["SUPPORTED_LOCALES"]:
        errors.append((field_id("language"), _("Choose a language")))

    if errors:
        return None, errors
    return Preferences(channel=channel, times=times, language=language, stopped=stopped), []
