"""Which language and region a page is in, and formatting of money and dates for that reader.

A page has a *language* (the catalog code: "en", "es", "zh_Hant", "vi", chosen as before) and a
*formatting locale* (Flask-Babel's locale: the language with the reader's region, "en_US",
"en_GB", "es_US"), which chooses US or British English words and how dates and money are written.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.lists import format_list
from babel.numbers import format_currency
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from portal import clock
from portal.domain.amount_input import amount_for_locale
from portal.domain.languages import LANGUAGES, formatting_locale, html_lang, language_of, portal_language
from portal.domain.locale_dates import date_numbers, date_order, example_date
from portal.domain.money import Money

LANGUAGE_NAMES = {code: name for code, (_tag, name) in LANGUAGES.items()}


def reader_country() -> str:
    """The reader's region: the account's creditor's country when the page knows the account
    (g.account_country, set with the account's language), else the PORTAL_COUNTRY setting."""
    known = getattr(g, "account_country", None) if has_request_context() else None
    return known or current_app.config["PORTAL_COUNTRY"]


def _chosen_language() -> str:
    """An explicit choice from the switch wins, then the account's language, then the browser."""
    supported = current_app.config["SUPPORTED_LOCALES"]
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


def select_locale() -> str:
    """Flask-Babel's locale for this request: the page's language in the reader's region ("es_US")."""
    if request.path == "/console" or request.path.startswith("/console/"):
        return "en"  # the staff console is in English for now; its strings still go through Babel
    return formatting_locale(_chosen_language(), reader_country())


def page_language() -> str:
    """The catalog code ("en", "es", "zh_Hant", "vi") this page is in, whatever its region."""
    return language_of(str(get_locale()))


def page_locale() -> str:
    """The formatting locale of this page ("en_US"), for Babel's number and date functions."""
    return str(get_locale())


def spoken_language(language: str | None) -> str:
    """A person's preferred language if the portal speaks it, else English: a catalog code."""
    return language if language in current_app.config["SUPPORTED_LOCALES"] else "en"


def person_language(language: str | None, country: str | None = None) -> str:
    """The locale to write to a person in (for force_locale): their language if the portal speaks
    it, else English, in *country* (their account's creditor's), else the PORTAL_COUNTRY setting."""
    return formatting_locale(spoken_language(language), country or current_app.config["PORTAL_COUNTRY"])


def page_date_order() -> tuple[str, str, str]:
    """The parts "day", "month" and "year" in the order this page's reader writes them."""
    return date_order(page_locale())


def date_example(first: date | None = None, last: date | None = None, *, on: date | None = None) -> str:
    """An example for a date hint, in the reader's order: *on*, else a date inside first..last
    (first defaults to today)."""
    value = on or example_date(first or clock.today(), last)
    return date_numbers(value, page_date_order())


def amount_example(minor: int, currency: str = "USD") -> str:
    """An amount as this page's reader types it, for a hint ("50.00", "50,00"): no currency sign."""
    return amount_for_locale(minor, currency, page_locale())


def number_list(values) -> str:
    """Whole numbers as a list in the page's language: "3 and 7", "3 y 7", "3, 7 and 14"."""
    return format_list([str(value) for value in values], locale=page_locale())


def money(value: Money) -> str:
    """Format an amount for the page's locale, in the amount's own currency."""
    return format_currency(value.as_decimal(), value.currency, locale=page_locale())


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
    return config.get(f"{name}_{page_language().upper()}") or config[name]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["number_list"] = number_list
    app.jinja_env.filters["long_datetime"] = lambda v: format_datetime(v, format="medium")
    app.jinja_env.globals["collector_hours"] = lambda: localized_setting("COLLECTOR_HOURS")
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["describe_card"] = card_description
    app.jinja_env.globals["date_example"] = date_example
    app.jinja_env.globals["date_order"] = page_date_order
    app.jinja_env.globals["amount_example"] = amount_example
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def _language_context():
        current = page_language()
        return {
            "current_language": current,
            "languages": {c: LANGUAGE_NAMES[c] for c in current_app.config["SUPPORTED_LOCALES"]},
        }
