"""Which language a page is in, and formatting of money and dates for that language."""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_currency
from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from portal.domain.languages import LANGUAGES, html_lang, portal_language
from portal.domain.money import Money

LANGUAGE_NAMES = {code: name for code, (_tag, name) in LANGUAGES.items()}


def select_locale() -> str:
    """An explicit choice from the switch wins, then the account's language, then the browser."""
    supported = current_app.config["SUPPORTED_LOCALES"]
    if request.path == "/console" or request.path.startswith("/console/"):
        return "en"  # the staff console is in English for now; its strings still go through Babel
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    account_language = getattr(g, "account_language", None)
    if account_language in supported:
        return account_language
    for tag, _quality in request.accept_languages:
        code = portal_language(tag)
        if code in supported:
            return code
    return "en"


def person_language(language: str | None) -> str:
    """A person's preferred language if the portal speaks it, else English: for what we send them."""
    return language if language in current_app.config["SUPPORTED_LOCALES"] else "en"


def money(value: Money) -> str:
    """Format an amount for the page's locale, in the amount's own currency."""
    return format_currency(value.as_decimal(), value.currency, locale=str(get_locale()))


def long_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return format_date(value, format="long")
    return format_date(value, format="long")


def card_description(card) -> str:
    """The card a payment or plan used, as a person reads it ("Visa card ending in 4242")."""
    if card.card_brand:
        return _("%(brand)s card ending in %(last4)s", brand=card.card_brand, last4=card.card_last4)
    return _("Card ending in %(last4)s", last4=card.card_last4)


def localized_setting(name: str) -> str:
    """A free-text setting in the page's language (NAME_ES, ...), else the default NAME."""
    config = current_app.config
    return config.get(f"{name}_{str(get_locale()).upper()}") or config[name]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = lambda v: format_datetime(v, format="medium")
    app.jinja_env.globals["collector_hours"] = lambda: localized_setting("COLLECTOR_HOURS")
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["describe_card"] = card_description
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def _language_context():
        current = str(get_locale())
        return {
            "current_language": current,
            "languages": {c: LANGUAGE_NAMES[c] for c in current_app.config["SUPPORTED_LOCALES"]},
        }
