"""The reader's locale: the page's language in the reader's region (the account's creditor's
country, else PORTAL_COUNTRY), which catalog each locale reads, and how money is written."""

from __future__ import annotations

from datetime import date

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import g
from flask_babel import force_locale, get_locale, gettext

from portal import create_app
from portal.config import ConfigError, load_config
from portal.domain.money import Money
from portal.extensions import babel, db
from portal.i18n import money, page_language, page_locale, person_language, reader_country, spoken_language


def _bare_app(**settings):
    """The portal with no database behind it: enough to choose a locale and read catalogs."""
    return create_app(
        {
            "PORTAL_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
        | settings
    )


@pytest.mark.parametrize(
    ("browser", "portal_country", "account_country", "locale", "language"),
    [
        ("en", "US", None, "en_US", "en"),
        ("es", "US", None, "es_US", "es"),
        ("es-MX", "US", None, "es_US", "es"),
        ("en", "GB", None, "en_GB", "en"),
        ("es", "GB", None, "es", "es"),
        ("en", "US", "GB", "en_GB", "en"),  # the account's creditor wins over the setting
        ("en", "GB", "US", "en_US", "en"),
        ("en", "US", "AU", "en_AU", "en"),  # English with the CLDR's own region where it has one
        ("en", "US", "MX", "en_US", "en"),  # else US English
        ("zh-TW", "US", None, "zh_Hant", "zh_Hant"),
        ("vi", "GB", None, "vi", "vi"),
    ],
)
def test_the_locale_is_the_pages_language_in_the_readers_region(
    browser, portal_country, account_country, locale, language
):
    app = _bare_app(PORTAL_COUNTRY=portal_country)
    with app.test_request_context("/", headers={"Accept-Language": browser}):
        if account_country:
            g.account_country = account_country
        assert str(get_locale()) == locale
        assert page_locale() == locale
        assert page_language() == language
        assert reader_country() == (account_country or portal_country)


def test_the_console_keeps_plain_english():
    app = _bare_app(PORTAL_COUNTRY="GB")
    with app.test_request_context("/console/accounts", headers={"Accept-Language": "es"}):
        assert str(get_locale()) == "en"


@pytest.mark.parametrize(
    ("language", "country", "locale"),
    [
        ("es", None, "es_US"),
        (None, None, "en_US"),
        ("fr", None, "en_US"),
        ("en", "GB", "en_GB"),
        ("vi", "US", "vi"),
    ],
)
def test_what_is_sent_to_a_person_is_written_for_their_region(language, country, locale):
    app = _bare_app()
    with app.app_context():
        assert person_language(language, country) == locale
        assert spoken_language(language) in {"en", "es", "vi", "zh_Hant"}


def test_without_a_country_messages_follow_the_portals_setting():
    app = _bare_app(PORTAL_COUNTRY="GB")
    with app.app_context():
        assert person_language("en") == "en_GB"
        assert person_language("es") == "es"


def test_us_spanish_reads_the_spanish_catalog(fresh_catalogs):
    app = fresh_catalogs(_bare_app())
    with app.test_request_context("/"), force_locale("es_US"):
        assert gettext("Day") == "Día"


def _catalog(folder, locale, msgstr):
    catalog = Catalog(locale=locale)
    catalog.add("Day", msgstr)
    target = folder / locale / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as out:
        write_mo(out, catalog)


@pytest.fixture
def fresh_catalogs():
    """Flask-Babel keeps loaded catalogs by locale for the whole process (one Babel object serves
    every app): read the catalogs of the app under test, and leave none of ours behind."""
    apps = []

    def forget(app):
        apps.append(app)
        with app.app_context():
            babel.domain_instance.cache.clear()
        return app

    yield forget
    for app in apps:
        with app.app_context():
            babel.domain_instance.cache.clear()


def test_us_english_reads_its_own_catalog_and_british_english_the_source(tmp_path, fresh_catalogs):
    _catalog(tmp_path, "en_US", "Day (US)")
    _catalog(tmp_path, "es", "Día (es)")
    app = fresh_catalogs(_bare_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)))
    with app.test_request_context("/"):
        with force_locale("en_US"):
            assert gettext("Day") == "Day (US)"
        with force_locale("en_GB"):
            assert gettext("Day") == "Day"  # the source catalog's British English
        with force_locale("es_US"):
            assert gettext("Day") == "Día (es)"
        with force_locale("en"):
            # gettext expands a bare "en" through the C library's alias to en_US: the console,
            # which stays in plain "en", reads the US English catalog too.
            assert gettext("Day") == "Day (US)"


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en_US", "$401.40"), ("es_US", "$401.40"), ("en_GB", "US$401.40"), ("es", "401,40\xa0US$")],
)
def test_money_is_written_for_the_readers_region(locale, shown):
    app = _bare_app()
    with app.test_request_context("/"), force_locale(locale):
        assert money(Money(40140, "USD")) == shown


@pytest.mark.parametrize("country", ["us", "USA", "U1", "", "ÉÉ"])
def test_a_portal_country_that_is_not_two_capital_letters_is_refused(monkeypatch, country):
    monkeypatch.setenv("PORTAL_ENV", "test")
    with pytest.raises(ConfigError, match="PORTAL_COUNTRY"):
        load_config({"PORTAL_COUNTRY": country})


def test_a_page_that_knows_the_account_uses_its_creditors_country(make_account, issue_link, client):
    account = make_account(date_of_birth=date(1980, 11, 3))
    account.creditor.country = "GB"
    db.session.commit()
    client.get(issue_link(account))
    response = client.get("/verify")
    # A British reader writes the day first: the day box comes first and the summary links to it.
    assert response.text.index('id="dob-day"') < response.text.index('id="dob-month"')
    assert "For example, 27 3 1980." in response.text
