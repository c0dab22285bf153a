"""What every contact preferences page shares: the blueprint, who may see the pages, and each
choice as a row of "question, answer, Change link" (the overview and the saved page show them).

The pages are in routes (the overview and the saved page) and question_routes (one choice a page);
`portal.preferences.init_app` imports both and registers the blueprint.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.domain.languages import html_lang
from portal.i18n import LANGUAGE_NAMES
from portal.links import access
from portal.models import Account
from portal.preferences.forms import CHANNEL_LABELS, STOP_LABELS
from portal.preferences.service import Preferences

bp = Blueprint("preferences", __name__)

#: Each choice and the endpoint of the page that changes it.
CHOICES = {
    "channel": "preferences.channel",
    "times": "preferences.times",
    "language": "preferences.language",
    "stop": "preferences.stop",
}


def _verified_account() -> tuple[Account | None, bool]:
    """(the account, True) for a verified session whose link still works; (None, True) for a
    session that opened a link but has not confirmed who they are yet; (None, False) otherwise.

    Unlike `verified_required` this does not send people away: the footer link is on every
    page, so someone who has not confirmed who they are gets a page that helps them instead.
    """
    link = access.pending_link()
    if link is None:
        return None, False
    if not access.is_verified(link):
        return None, True
    return link.account, True


def signed_in(view):
    """Run *view* with the signed-in account as its first argument; anyone else gets the page that
    explains how to change their choices (403 for a POST, which changes nothing)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        account, pending = _verified_account()
        if account is None:
            status = 403 if request.method == "POST" else 200
            return render_template("preferences/not_signed_in.html", pending=pending), status
        return view(account, *args, **kwargs)

    return wrapper


def _question(choice: str) -> str:
    # The words each question page asks, so the overview and its page match.
    return {
        "channel": _("What is the best way to contact you?"),
        "times": _("When is the best time to contact you? (optional)"),
        "language": _("Which language should we use?"),
        "stop": _("Ways you want us to stop using"),
    }[choice]


def _answer(choice: str, held: Preferences) -> str:
    if choice == "channel":
        return str(CHANNEL_LABELS[held.channel]) if held.channel in CHANNEL_LABELS else _("Not given")
    if choice == "times":
        return held.times or _("Not given")
    if choice == "language":
        if held.language not in current_app.config["SUPPORTED_LOCALES"]:
            return _("Not given")
        # Each language is named in itself: marked up in that language for screen readers.
        code = held.language
        return Markup('<span lang="{}">{}</span>').format(html_lang(code), LANGUAGE_NAMES[code])
    stopped = [str(label) for channel, label in STOP_LABELS.items() if channel in held.stopped]
    return "\n".join(stopped) or _("None")


def row(choice: str, held: Preferences) -> dict:
    """One choice for `check_answers`: its question, what we hold, and a link to change it."""
    return {"question": _question(choice), "answer": _answer(choice, held), "url": url_for(CHOICES[choice])}
