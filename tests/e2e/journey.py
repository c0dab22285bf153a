"""Steps of the debtor's journey, found the way a screen reader user finds them: by role and name."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page

CARD_OK = "4242424242424242"
CARD_3DS = "4000002500003155"
CARD_DECLINED_AT_CHARGE = "4000000000000341"

WORDS = {
    "en": {
        "continue": "Continue",
        "day": "Day",
        "month": "Month",
        "year": "Year",
        "pay_in_full": "Pay in full",
        "pay_now": re.compile(r"^Pay .+ now$"),
        "receipt": "Payment received",
        "account": "Go to your account",
    },
    "es": {
        "continue": "Continuar",
        "day": "Día",
        "month": "Mes",
        "year": "Año",
        "pay_in_full": "Pagar el total",
        "pay_now": re.compile(r"^Pagar .+ ahora$"),
        "receipt": "Pago recibido",
        "account": "Ir a su cuenta",
    },
}


def open_link(page: Page, url: str, check: bool = True) -> None:
    page.goto(url)
    if check:
        check_page(page)


def confirm_identity(page: Page, day: int, month: int, year: int, lang: str = "en") -> None:
    w = WORDS[lang]
    page.get_by_role("button", name=w["continue"]).or_(page.get_by_role("link", name=w["continue"])).click()
    check_page(page)
    page.get_by_label(w["day"]).fill(str(day))
    page.get_by_label(w["month"]).fill(str(month))
    page.get_by_label(w["year"]).fill(str(year))
    page.get_by_role("button", name=w["continue"]).click()


def start_paying_in_full(page: Page, lang: str = "en") -> None:
    page.get_by_role("link", name=WORDS[lang]["pay_in_full"]).click()
    expect(page.locator("#card-element input").first).to_be_visible()
    check_page(page)


def enter_card(page: Page, number: str, lang: str = "en") -> None:
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("60614")
    page.get_by_role("button", name=WORDS[lang]["pay_now"]).click()


def pass_bank_check_while_saving(page: Page) -> None:
    """Answer localstripe's 3-D Secure dialog shown while the card is saved in the SetupIntent,
    and wait for the page the payment leads to. localstripe asks again when the card is charged;
    real Stripe asks at either step only when the bank wants it."""
    page.get_by_role("button", name="Complete authentication").click()
    page.locator("#auth-form").wait_for()


def expect_receipt(page: Page, lang: str = "en") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["receipt"])
    check_page(page)


def sign_in(page: Page, live_portal: str, issue_link, account, lang: str = "en") -> None:
    """Open a fresh link for the account and confirm identity (make_account's date of birth)."""
    open_link(page, live_portal + issue_link(account), check=False)
    confirm_identity(page, 27, 3, 1980, lang)
    expect(page.locator("#session-warning")).to_be_attached()
