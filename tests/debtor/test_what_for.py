"""What the debt is for: the import's description, date of service and the creditor's own account
number are shown on the overview and on the validation page ("About this debt"), and the principal
is called the "Original amount"."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from portal.extensions import db

PAGES = ["/account", "/about-this-debt"]


def page_text(html: str) -> str:
    """The page's words, each element's text apart from the next (a <dt> from its <dd>)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _described(make_account):
    account = make_account(creditor_name="Riverside Medical Group")
    account.description = "Emergency room visit and X-ray"
    account.service_date = date(2025, 3, 14)
    account.original_account_number = "RMG-55120"
    db.session.commit()
    return account


@pytest.mark.parametrize("path", PAGES)
def test_the_page_says_what_the_bill_was_for(make_account, sign_in, client, path):
    sign_in(_described(make_account))

    text = page_text(client.get(path).text)

    assert "What this is for Emergency room visit and X-ray" in text
    assert "Date of service March 14, 2025" in text
    assert "Your account number with Riverside Medical Group RMG-55120" in text
    assert "principal" not in text.lower()


def test_the_overview_calls_the_principal_the_original_amount(make_account, sign_in, client):
    sign_in(make_account())

    text = page_text(client.get("/account").text)

    assert "Original amount $1,000.00 Interest $50.25 Fees $10.00 Total $1,060.25" in text


@pytest.mark.parametrize("path", PAGES)
def test_the_account_number_is_named_after_the_original_creditor_when_there_is_one(
    make_account, sign_in, client, path
):
    account = _described(make_account)
    account.original_creditor = "Springfield Store Card"
    db.session.commit()
    sign_in(account)

    text = page_text(client.get(path).text)

    assert "Your account number with Springfield Store Card RMG-55120" in text


@pytest.mark.parametrize("path", PAGES)
def test_an_account_without_them_shows_no_empty_rows(make_account, sign_in, client, path):
    sign_in(make_account())

    text = page_text(client.get(path).text)

    assert "What this is for" not in text
    assert "Date of service" not in text
    assert "Your account number with" not in text


@pytest.mark.parametrize("path", PAGES)
def test_imported_words_are_shown_as_text_never_as_markup(make_account, sign_in, client, path):
    account = make_account()
    account.description = '<script>alert("x")</script> & <b>bold</b>'
    db.session.commit()
    sign_in(account)

    html = client.get(path).text

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_a_spanish_reader_sees_the_date_of_service_in_spanish(make_account, sign_in, client):
    account = _described(make_account)
    account.debtor.language = "es"
    db.session.commit()
    sign_in(account)

    text = page_text(client.get("/account").text)

    assert "14 de marzo de 2025" in text
    assert "Emergency room visit and X-ray" in text  # the creditor's own words are not translated
