"""The contact preferences, one choice a page. Each page saves its choice alone through the
service (which notes on the timeline only what really changed), then shows the saved page."""

from __future__ import annotations

import dataclasses

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from portal.extensions import limiter
from portal.forms.checks import form_ok
from portal.i18n import LANGUAGE_NAMES
from portal.models import Account
from portal.preferences import service
from portal.preferences.blueprint import bp, signed_in
from portal.preferences.forms import (
    CHANNEL_LABELS,
    STOP_LABELS,
    TIMES_MAX,
    Errors,
    field_id,
    read_channel,
    read_language,
    read_stop,
    read_times,
)
from portal.preferences.service import Preferences


def _page(name: str, errors: Errors, **context):
    # One field a page, so the first error is the one shown beside it.
    return render_template(
        f"preferences/{name}.html",
        errors=errors,
        error=errors[0][1] if errors else None,
        back=url_for("preferences.edit"),
        **context,
    ), (400 if errors else 200)


def _save(account: Account, wanted: Preferences, choice: str):
    service.save(account.debtor, wanted)
    return redirect(url_for("preferences.saved", choice=choice), code=303)


@bp.route("/contact-preferences/way", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def channel(account: Account):
    """What is the best way to contact you? One of the ways we have details for."""
    held = service.current(account.debtor)
    errors: Errors = []
    chosen = held.channel
    if request.method == "POST":
        chosen = request.form.get("channel")
        if form_ok(errors, field_id("channel")):
            chosen = read_channel(request.form, account.debtor, held, errors) or chosen
        if not errors:
            return _save(account, dataclasses.replace(held, channel=chosen), "channel")
    options = [(c, label, None) for c, label in CHANNEL_LABELS.items()]
    return _page("channel", errors, options=options, chosen=chosen)


@bp.route("/contact-preferences/time", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def times(account: Account):
    """When is the best time to contact you? Optional: an empty answer clears it."""
    held = service.current(account.debtor)
    errors: Errors = []
    typed = held.times
    if request.method == "POST":
        typed = request.form.get("times", "")
        tidied = read_times(request.form, errors) if form_ok(errors, "times") else typed
        if not errors:
            return _save(account, dataclasses.replace(held, times=tidied), "times")
    return _page("times", errors, typed=typed, times_max=TIMES_MAX)


@bp.route("/contact-preferences/language", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def language(account: Account):
    """Which language should we use? Saving it also turns these pages to it, now and later."""
    held = service.current(account.debtor)
    errors: Errors = []
    supported = current_app.config["SUPPORTED_LOCALES"]
    # With no choice saved yet, the language the person is reading is the likely answer.
    chosen = held.language if held.language in supported else str(get_locale())
    if request.method == "POST":
        chosen = request.form.get("language")
        if form_ok(errors, field_id("language")):
            chosen = read_language(request.form, errors) or chosen
        if not errors:
            response = _save(account, dataclasses.replace(held, language=chosen), "language")
            # The page speaks the language just chosen, now and after signing out.
            session["lang"] = chosen
            return response
    options = [(c, LANGUAGE_NAMES[c], c) for c in supported]
    return _page("language", errors, options=options, chosen=chosen)


@bp.route("/contact-preferences/stop", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def stop(account: Account):
    """Ways you want us to stop using. None ticked is an answer: we may use every way again."""
    held = service.current(account.debtor)
    errors: Errors = []
    ticked = held.stopped
    if request.method == "POST":
        ticked = frozenset(request.form.getlist("stop"))
        if form_ok(errors, field_id("stop")):
            ticked = read_stop(request.form, held, errors)
        if not errors:
            return _save(account, dataclasses.replace(held, stopped=ticked), "stop")
    options = [(c, label, None) for c, label in STOP_LABELS.items()]
    return _page("stop", errors, options=options, ticked=ticked)
