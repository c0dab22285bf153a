"""Each language the portal speaks is whole: plural rules, Babel's money and dates, the browser's
language tags, and the emails and calendar file a debtor receives."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from gettext import c2py

import pytest
from babel.dates import format_date
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from flask_babel import force_locale, gettext, ngettext
from icalendar import Calendar

from portal.domain.languages import formatting_locale, html_lang, portal_language
from portal.extensions import db
from portal.models import Payment
from portal.notify import receipts
from portal.notify.plan_calendar import plan_ics
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows

LANGUAGES = ["en", "es", "zh_Hant", "vi"]


def _us(lang: str) -> str:
    """The locale a US creditor's debtor reads *lang* in (es_US writes "$50.00", not "50,00 US$")."""
    return formatting_locale(lang, "US")


TRANSLATED = ["es", "zh_Hant", "vi", "en_US"]  # en_US: the US wording of the (British) source


def test_the_portal_speaks_four_languages(app):
    assert list(app.config["SUPPORTED_LOCALES"]) == LANGUAGES


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalog_uses_its_languages_plural_rule(app, lang):
    with open(f"i18n/{lang}/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    rule = get_plural(lang)
    assert catalog.num_plurals == rule.num_plurals
    assert catalog.plural_expr.replace(" ", "") == rule.plural_expr.replace(" ", "")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_messages_pick_the_form_for_the_count(app, lang):
    with open(f"i18n/{lang}/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals, "the portal has plural messages; each language must handle them"
    index_for = c2py(catalog.plural_expr)  # the catalog's own rule, as gettext applies it
    with app.test_request_context(), force_locale(lang):
        for message in plurals:
            for count in (1, 2, 5, 21):
                form = message.string[index_for(count)]
                # Other placeholders (e.g. the minutes a link is paused for) get a fixed value.
                values = {"num": count, "count": count, "minutes": 15}
                wanted = form % values
                shown = ngettext(message.id[0], message.id[1], count, count=count, minutes=15)
                assert shown == wanted and str(count) in shown, (lang, count, shown)
    if lang == "es":  # two forms that really differ
        assert all(m.string[0] != m.string[1] for m in plurals)


@pytest.mark.parametrize(
    ("tags", "wanted"),
    [
        ("zh-TW,zh;q=0.9", "zh-Hant"),
        ("zh-CN", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("vi-VN,vi;q=0.8,en;q=0.5", "vi"),
        ("es-MX", "es"),
        ("fr-FR,vi;q=0.5", "vi"),
        ("de-DE", "en"),
    ],
)
def test_the_browsers_language_picks_the_page_language(client, tags, wanted):
    page = client.get("/", headers={"Accept-Language": tags}).text
    assert re.search(r'<html lang="([^"]+)"', page).group(1) == wanted


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("ZH_tw", "zh_Hant"),
        ("zh-Hans-CN", "zh_Hant"),
        ("es-419", "es"),
        ("vi", "vi"),
        ("en-GB", "en"),
        ("ko", None),
        ("", None),
    ],
)
def test_language_tags_map_to_our_catalogs(tag, code):
    assert portal_language(tag) == code


def _payment(make_account, lang: str, **fields) -> Payment:
    """A recorded card payment on a new account whose debtor speaks *lang*."""
    account = make_account(language=lang)
    payment = Payment(
        account_id=account.id,
        stripe_payment_intent_id=f"pi_{lang}",
        currency="USD",
        card_brand="Visa",
        card_last4="4242",
        **{"amount": 5000, **fields},
    )
    db.session.add(payment)
    db.session.commit()
    return payment


@pytest.mark.parametrize("lang", LANGUAGES)
def test_money_and_dates_on_the_receipt_are_babels_for_the_language(app, client, make_account, sign_in, lang):
    paid_at = datetime(2027, 3, 5, 15, 0, tzinfo=UTC)
    payment = _payment(make_account, lang, amount=123456, paid_at=paid_at)
    account = payment.account
    sign_in(account)
    page = client.get(f"/receipt/{payment.id}").text
    assert f'<html lang="{html_lang(lang)}">' in page
    assert format_currency(1234.56, "USD", locale=_us(lang)) in page
    assert format_date(date(2027, 3, 5), format="long", locale=_us(lang)) in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_receipt_email_is_in_the_debtors_language(app, make_account, mailbox, lang):
    payment = _payment(make_account, lang)
    assert receipts.send_receipt(payment)
    (message,) = mailbox.wait_for(1)
    with app.test_request_context(), force_locale(lang):
        subject = gettext("Receipt for your payment to %(creditor)s", creditor="Acme Bank")
        thanks = gettext("Payment received")
    assert message["Subject"] == subject
    if lang != "en":
        assert subject != "Receipt for your payment to Acme Bank"
    assert f'<html lang="{html_lang(lang)}">' in body(message, "html")
    assert format_currency(50, "USD", locale=_us(lang)) in body(message, "plain")
    assert thanks in body(message, "html")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_calendar_file_is_in_the_debtors_language(app, make_account, lang):
    plan = plan_rows(make_account(language=lang), [(date(2027, 2, 1), 5000)])
    calendar = Calendar.from_ical(plan_ics(plan))
    (event,) = calendar.walk("VEVENT")
    with app.test_request_context(), force_locale(lang):
        summary = gettext(
            "Payment of %(amount)s to %(creditor)s",
            amount=format_currency(50, "USD", locale=_us(lang)),
            creditor="Acme Bank",
        )
        reference = gettext("Account reference")
        name = gettext("Payments to %(creditor)s", creditor="Acme Bank")
    assert str(event["summary"]) == summary
    assert f"{reference}: ACC-1" in str(event["description"])
    assert str(calendar["x-wr-calname"]) == name
    if lang != "en":
        assert "Payment of" not in summary and "Account reference" not in reference
