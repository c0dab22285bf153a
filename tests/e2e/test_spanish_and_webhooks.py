"""The journey in Spanish, and the webhook arriving before, after and twice around the browser."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Event, Payment
from tests.e2e.conftest import DESKTOP, PHONE, check_page
from tests.e2e.journey import (
    CARD_3DS,
    CARD_DECLINED_AT_CHARGE,
    CARD_OK,
    confirm_identity,
    enter_card,
    expect_receipt,
    open_link,
    pass_bank_check_while_saving,
    start_paying_in_full,
)

pytestmark = pytest.mark.e2e


def _payments(account_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Payment).where(Payment.account_id == account_id)).all()


def _succeeded_events(account_id):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Event).where(Event.account_id == account_id, Event.kind == "payment_succeeded")
    ).all()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_whole_journey_in_spanish(live_portal, new_page, viewport, make_account, issue_link, mailbox):
    account = make_account(language="es", full_name="María López")
    # The browser asks for English: the account's language still wins.
    page = new_page(viewport, locale="en-US")
    open_link(page, live_portal + issue_link(account))
    assert page.get_attribute("html", "lang") == "es"
    expect(page.get_by_role("heading", level=1)).to_have_text("Un mensaje sobre una cuenta a su nombre")

    confirm_identity(page, 27, 3, 1980, lang="es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Su cuenta con Acme Bank")
    check_page(page)
    # US Spanish writes dollars as the US does: $1,060.25 (es_US), never "1.060,25 US$".
    expect(page.locator("main")).to_contain_text("$1,060.25")

    # A card declined first: the calm message is in Spanish too.
    start_paying_in_full(page, lang="es")
    enter_card(page, CARD_DECLINED_AT_CHARGE, lang="es")
    expect(page.get_by_role("alert").filter(has_text="Hay un problema")).to_contain_text(
        "No se le ha cobrado dinero"
    )
    check_page(page)
    enter_card(page, CARD_OK, lang="es")
    expect_receipt(page, lang="es")

    mail = mailbox.wait_for(1)
    assert mail[0]["Subject"].startswith("Recibo")
    page.get_by_role("link", name="Ir a su cuenta").click()
    expect(page.get_by_role("heading", name="Esta cuenta está pagada")).to_be_visible()
    check_page(page)


def test_language_switch_on_every_page(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    assert page.get_attribute("html", "lang") == "es"
    expect(page.get_by_role("heading", level=1)).to_have_text("Un mensaje sobre una cuenta a su nombre")
    check_page(page)
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    assert page.get_attribute("html", "lang") == "en"


def test_webhook_before_the_browser_returns_from_3d_secure(
    live_portal, relay, new_page, make_account, issue_link
):
    account = make_account()
    page = new_page()

    def hold_until_webhook_delivered(route):
        deadline = time.monotonic() + 15
        while "payment_intent.succeeded" not in relay.delivered and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "payment_intent.succeeded" in relay.delivered
        route.continue_()

    page.route("**/pay/attempts/*/complete", hold_until_webhook_delivered)
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_3DS)
    pass_bank_check_while_saving(page)
    page.get_by_role("button", name="Complete authentication").click()
    expect_receipt(page)

    events = _succeeded_events(account.id)
    assert [e.data["source"] for e in events] == ["webhook"]
    relay.deliver("payment_intent.succeeded")  # and once more, late
    assert len(_payments(account.id)) == 1
    assert len(_succeeded_events(account.id)) == 1


def test_webhook_after_the_browser_and_twice(live_portal, relay, new_page, make_account, issue_link, mailbox):
    account = make_account()
    relay.hold = True
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    assert [e.data["source"] for e in _succeeded_events(account.id)] == ["browser"]

    relay.wait_for("payment_intent.succeeded")
    relay.deliver("payment_intent.succeeded")
    relay.deliver("payment_intent.succeeded")
    assert relay.delivered.count("payment_intent.succeeded") == 2
    assert len(_payments(account.id)) == 1
    assert len(_succeeded_events(account.id)) == 1
    assert len(mailbox.wait_for(1)) == 1
    time.sleep(0.5)
    assert len(mailbox.messages) == 1, "the receipt is sent once"
