"""The portal's own debt advice comes from the catalogs in every language; an operator's setting
for a language replaces it in that language only."""

from __future__ import annotations

import pytest

from tests.helpers.plan_pages import links, page_text

NFCC = "https://www.nfcc.org/"
CFPB = "https://www.consumerfinance.gov/consumer-tools/debt-collection/"
OWN_ADVICE = {
    "en": ("free, confidential advice about money and debt", "Consumer Financial Protection Bureau"),
    "es": ("asesoramiento gratuito y confidencial", "Oficina para la Protección Financiera del Consumidor"),
    "zh_Hant": ("免費取得有關金錢和債務的保密建議", "消費者金融保護局"),
    "vi": ("lời khuyên miễn phí và bảo mật", "Cục Bảo vệ Tài chính Người tiêu dùng"),
}


@pytest.mark.parametrize("lang", sorted(OWN_ADVICE))
def test_the_portals_own_advice_and_link_labels_are_in_the_pages_language(
    make_account, sign_in, client, lang
):
    sign_in(make_account(language=lang))

    page = client.get("/cant-pay").text

    text, label = OWN_ADVICE[lang]
    assert text in page_text(page)
    assert label in page_text(page)
    assert {NFCC, CFPB} <= links(page)


def test_an_operators_english_advice_replaces_the_english_only(make_account, sign_in, client, app):
    app.config["DEBT_ADVICE_TEXT"] = "Call the Springfield Money Advice Line."
    app.config["DEBT_ADVICE_LINKS"] = "Springfield Money Advice|https://advice.example.org/"
    account = make_account()
    sign_in(account)

    english = client.get("/cant-pay").text
    assert "Call the Springfield Money Advice Line." in page_text(english)
    assert links(english) >= {"https://advice.example.org/"} and NFCC not in links(english)

    client.get("/language/es")
    spanish = client.get("/cant-pay").text
    assert OWN_ADVICE["es"][0] in page_text(spanish)
    assert NFCC in links(spanish)


def test_an_operators_advice_for_one_language_replaces_the_portals_there(make_account, sign_in, client, app):
    app.config["DEBT_ADVICE_TEXT_VI"] = "Gọi cho đường dây tư vấn tiền bạc."
    app.config["DEBT_ADVICE_LINKS_VI"] = "Tư vấn|https://tuvan.example.org/"
    sign_in(make_account(language="vi"))

    page = client.get("/cant-pay").text

    assert "Gọi cho đường dây tư vấn tiền bạc." in page_text(page)
    assert OWN_ADVICE["vi"][0] not in page_text(page)
    assert "https://tuvan.example.org/" in links(page) and NFCC not in links(page)
