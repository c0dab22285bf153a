"""The contact preferences questions, one a page: each read by hand, strict, and every error names
its field. Each reader appends its errors and returns the answer to save (check the errors first)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from portal.forms.checks import refused_text
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


def field_id(name: str, value: str | None = None) -> str:
    """The id of a field, or of one radio or checkbox by value: what the error summary links to."""
    if name == "times":
        return "times"
    if name == "language":
        options = list(current_app.config["SUPPORTED_LOCALES"])
    else:
        options = list(rules.CHANNELS)
    return f"{name}-{options.index(value) if value in options else 0}"


def read_channel(form: MultiDict, debtor: Debtor, held: Preferences, errors: Errors) -> str | None:
    """The best way to contact the person: one we have their details for and they have not stopped."""
    channel = form.get("channel")
    if channel not in rules.CHANNELS:
        errors.append((field_id("channel"), _("Choose the best way to contact you")))
        return None
    if channel in held.stopped:
        message = _(
            "You also asked us to stop using “%(channel)s”. Choose another way, or untick "
            "it under “Ways you want us to stop using”.",
            channel=CHANNEL_LABELS[channel],
        )
        errors.append((field_id("channel", channel), message))
        return None
    if not rules.has_address(debtor, channel):
        errors.append((field_id("channel", channel), str(_NO_ADDRESS[channel])))
        return None
    return channel


def read_times(form: MultiDict, errors: Errors) -> str:
    """The best time as typed, its spaces tidied; "" (no time given) is an answer too."""
    times = " ".join((form.get("times") or "").split())
    if refused := refused_text(times, multiline=False):
        errors.append(("times", refused))
    elif len(times) > TIMES_MAX:
        errors.append(
            ("times", _("The best time to contact you must be %(most)d characters or fewer", most=TIMES_MAX))
        )
    return times


def read_language(form: MultiDict, errors: Errors) -> str | None:
    """One of the languages the portal speaks."""
    language = form.get("language")
    if language not in current_app.config["SUPPORTED_LOCALES"]:
        errors.append((field_id("language"), _("Choose a language")))
        return None
    return language


def read_stop(form: MultiDict, held: Preferences, errors: Errors) -> frozenset[str]:
    """The ways to stop using; none ticked is an answer too (it lets us use them all again)."""
    stopped = frozenset(c for c in form.getlist("stop") if c in rules.CHANNELS)
    # Only a way newly ticked is refused: one stopped earlier through the one-click email link while
    # it was the best way stays stopped, and the "best way" page asks for another.
    if held.channel in stopped - held.stopped:
        message = _(
            "You told us the best way to contact you is “%(channel)s”. Untick it, or choose "
            "another best way to contact you first.",
            channel=CHANNEL_LABELS[held.channel],
        )
        errors.append((field_id("stop", held.channel), message))
    return stopped
