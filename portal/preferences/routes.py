"""The contact preferences page, reached from the footer of every page, and its confirmation."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.i18n import LANGUAGE_NAMES
from portal.links import access
from portal.models import Account
from portal.preferences import service
from portal.preferences.forms import CHANNEL_LABELS, STOP_LABELS, TIMES_MAX, PreferencesForm, field_id, parse

bp = Blueprint("preferences", __name__)


def _verified_account() -> tuple[Account | None, bool]:
    """(the account, True) for a verified session whose link still works; (None, True) for a
    session that opened a link but has not confirmed who they are yet; (None, False) otherwise.

    Unlike `verified_required` this does not send people away: the footer link is on every
    page, so someone who has not confirmed who they are gets a page that helps them instead.
    """
    link = access.pending_link()
    if link is None:
        return None, False
    if session.get("account_id") != link.account_id:
        return None, True
    return link.account, True


def _not_signed_in(pending: bool, status: int = 200):
    return render_template("preferences/not_signed_in.html", pending=pending), status


def _page(values: dict, errors: list[tuple[str, str]]):
    # Errors link to one radio or checkbox ("channel-2"); the template shows them by field name.
    by_field = {fid if fid == "times" else fid.rsplit("-", 1)[0]: message for fid, message in errors}
    return render_template(
        "preferences/edit.html",
        values=values,
        errors=errors,
        field_errors=by_field,
        channel_options=[(c, label, None) for c, label in CHANNEL_LABELS.items()],
        language_options=[(c, LANGUAGE_NAMES[c], c) for c in current_app.config["SUPPORTED_LOCALES"]],
        stop_options=[(c, label, None) for c, label in STOP_LABELS.items()],
        times_max=TIMES_MAX,
    ), (400 if errors else 200)


@bp.route("/contact-preferences", methods=["GET", "POST"])
def edit():
    account, pending = _verified_account()
    if account is None:
        return _not_signed_in(pending, 403 if request.method == "POST" else 200)
    debtor = account.debtor
    if request.method == "GET":
        held = service.current(debtor)
        supported = current_app.config["SUPPORTED_LOCALES"]
        return _page(
            {
                "channel": held.channel,
                "times": held.times,
                "language": held.language if held.language in supported else str(get_locale()),
                "stopped": held.stopped,
            },
            [],
        )
    values = {
        "channel": request.form.get("channel"),
        "times": request.form.get("times", ""),
        "language": request.form.get("language"),
        "stopped": frozenset(request.form.getlist("stop")),
    }
    if not PreferencesForm().validate_on_submit():
        problem = _("Something went wrong with the form. Please try again.")
        return _page(values, [(field_id("channel"), problem)])
    wanted, errors = parse(request.form, debtor)
    if wanted is None:
        return _page(values, errors)
    service.save(debtor, wanted)
    # The page speaks the language just chosen, now and after signing out.
    session["lang"] = wanted.language
    return redirect(url_for("preferences.saved"), code=303)


@bp.get("/contact-preferences/saved")
def saved():
    account, pending = _verified_account()
    if account is None:
        return _not_signed_in(pending)
    return render_template("preferences/saved.html", held=service.current(account.debtor))
