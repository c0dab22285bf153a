"""The contact preferences, one choice a page. Each page saves its choice alone through the
service (which notes on the timeline only what really changed), then shows the saved page."""

from __future__ import annotations

import dataclasses

from flask import current_app, redirect, render_template, session, url_for

from portal.extensions import limiter
from portal.forms.base import Form
from portal.i18n import page_language
from portal.models import Account
from portal.preferences import service
from portal.preferences.blueprint import bp, signed_in
from portal.preferences.forms import TIMES_MAX, ChannelForm, LanguageForm, StopForm, TimesForm
from portal.preferences.service import Preferences


def _page(name: str, form: Form, **context):
    errors = form.error_summary()
    return render_template(
        f"preferences/{name}.html", form=form, errors=errors, back=url_for("preferences.edit"), **context
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
    form = ChannelForm(account.debtor, held)
    if form.validate_on_submit():
        return _save(account, dataclasses.replace(held, channel=form.channel.data), "channel")
    return _page("channel", form)


@bp.route("/contact-preferences/time", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def times(account: Account):
    """When is the best time to contact you? Optional: an empty answer clears it."""
    held = service.current(account.debtor)
    form = TimesForm(times=held.times)
    if form.validate_on_submit():
        return _save(account, dataclasses.replace(held, times=form.times.data), "times")
    return _page("times", form, times_max=TIMES_MAX)


@bp.route("/contact-preferences/language", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def language(account: Account):
    """Which language should we use? Saving it also turns these pages to it, now and later."""
    held = service.current(account.debtor)
    # With no choice saved yet, the language the person is reading is the likely answer.
    supported = current_app.config["SUPPORTED_LOCALES"]
    form = LanguageForm(language=held.language if held.language in supported else page_language())
    if form.validate_on_submit():
        chosen = form.language.data
        response = _save(account, dataclasses.replace(held, language=chosen), "language")
        # The page speaks the language just chosen, now and after signing out.
        session["lang"] = chosen
        return response
    return _page("language", form)


@bp.route("/contact-preferences/stop", methods=["GET", "POST"])
@signed_in
@limiter.limit("20/minute", methods=["POST"])
def stop(account: Account):
    """Ways you want us to stop using. None ticked is an answer: we may use every way again."""
    held = service.current(account.debtor)
    form = StopForm(held)
    if form.validate_on_submit():
        return _save(account, dataclasses.replace(held, stopped=form.stop.data), "stop")
    return _page("stop", form)
