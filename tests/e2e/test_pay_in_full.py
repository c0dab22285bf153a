"""The debtor's journey in Chromium: link, identity, overview, pay in full, receipt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Account, AttemptStatus, Event, Payment, PaymentAttempt
from tests.e2e.conftest import check_page
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


def _kinds(account_id):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Event.kind).where(Event.account_id == account_id).order_by(Event.id)
    ).all()


def _payments(account_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Payment).where(Payment.account_id == account_id)).all()


def test_full_payment_with_a_card_that_works(
    live_portal, new_page, viewport, make_account, issue_link, mailbox
):
    account = make_account()
    page = new_page(viewport)
    open_link(page, live_portal + issue_link(account))
    assert "/l/" not in page.url, "the token must leave the address bar"
    expect(page.get_by_role("heading", level=1)).to_have_text("A message about an account in your name")

    confirm_identity(page, 27, 3, 1980)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account with Acme Bank")
    check_page(page)
    for text in ("You owe $1,060.25.", "$1,000.00", "$50.25", "$10.00", "ACC-1"):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()

    start_paying_in_full(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    for text in ("You paid $1,060.25.", "card ending in 4242", "ACC-1"):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()

    mail = mailbox.wait_for(1)
    assert len(mail) == 1 and mail[0]["To"] == "jane@example.com"
    assert "$1,060.25" in mail[0].get_body(preferencelist=("plain",)).get_content()

    page.get_by_role("link", name="Go to your account").click()
    expect(page.get_by_role("heading", name="This account is paid")).to_be_visible()
    check_page(page)
    assert len(_payments(account.id)) == 1
    assert db.session.get(Account, account.id).status == "paid"
    kinds = _kinds(account.id)
    for expected in (
        "link_issued",
        "link_opened",
        "identity_confirmed",
        "balance_viewed",
        "payment_page_viewed",
        "payment_started",
        "payment_succeeded",
        "account_paid",
        "receipt_sent",
    ):
        assert expected in kinds


def test_three_d_secure_card(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_3DS)
    pass_bank_check_while_saving(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bank needs to check that it is you")
    page.get_by_role("button", name="Complete authentication").click()
    expect_receipt(page)
    assert len(_payments(account.id)) == 1
    assert "payment_needs_authentication" in _kinds(account.id)


def test_failed_three_d_secure_then_another_try(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_3DS)
    pass_bank_check_while_saving(page)
    page.get_by_role("button", name="Fail authentication").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("security check with your bank was not completed")
    assert page.title().startswith("Error:")
    check_page(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    assert len(_payments(account.id)) == 1


def test_bank_check_failed_while_saving_the_card_then_another_card(
    live_portal, new_page, make_account, issue_link
):
    """The bank's check can also come when the card is saved in the SetupIntent: failing it there
    takes nothing, starts no payment and says so kindly; the next card pays."""
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_3DS)
    page.get_by_role("button", name="Fail authentication").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("You have not been charged")
    assert page.title().startswith("Error:")
    check_page(page)
    db.session.expire_all()
    assert (
        db.session.scalars(db.select(PaymentAttempt).where(PaymentAttempt.account_id == account.id)).all()
        == []
    )
    enter_card(page, CARD_OK)
    expect_receipt(page)
    assert len(_payments(account.id)) == 1


def test_card_declined_at_charge_then_another_card(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account()
    page = new_page(viewport)
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    enter_card(page, CARD_DECLINED_AT_CHARGE)

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("You have not been charged")
    link = summary.get_by_role("link")
    expect(link).to_have_attribute("href", "#card-element")
    assert page.title().startswith("Error:")
    check_page(page)
    assert _payments(account.id) == []

    enter_card(page, CARD_OK)
    expect_receipt(page)
    assert len(_payments(account.id)) == 1
    db.session.expire_all()
    attempts = db.session.scalars(
        db.select(PaymentAttempt).where(PaymentAttempt.account_id == account.id).order_by(PaymentAttempt.id)
    ).all()
    assert [a.status for a in attempts] == [AttemptStatus.FAILED, AttemptStatus.SUCCEEDED]
    assert all(a.live_account_id is None for a in attempts)


def test_expired_link_gets_a_kind_page(live_portal, new_page, viewport, make_account, issue_link):
    from datetime import timedelta

    from portal.models import MagicLink
    from portal.models.types import utcnow

    account = make_account()
    url = live_portal + issue_link(account)
    link = db.session.scalars(db.select(MagicLink)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = new_page(viewport)
    response = page.goto(url)
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(page.get_by_text("1-800-555-0100").first).to_be_visible()
    assert "Jane" not in page.content() and "1,060" not in page.content()
    check_page(page)


def test_tampered_link_gets_a_kind_page(live_portal, new_page, make_account, issue_link):
    account = make_account()
    path = issue_link(account)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    page = new_page()
    response = page.goto(live_portal + tampered)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert "Acme" not in page.content() and "Jane" not in page.content()
    check_page(page)
    assert "link_opened" not in _kinds(account.id)


def test_identity_lockout_after_five_wrong_answers(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account()
    page = new_page(viewport)
    open_link(page, live_portal + issue_link(account))
    page.get_by_role("link", name="Continue").click()
    for attempt in range(1, 6):
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("1")
        page.get_by_label("Year").fill("1990")
        page.get_by_role("button", name="Continue").click()
        if attempt < 5:
            expect(page.get_by_role("alert")).to_contain_text("does not match our records")
            assert page.get_by_label("Year").input_value() == "", "the answer must not be echoed"
            if attempt == 1:
                check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is paused for 15 minutes")
    check_page(page)
    # Even the right answer is refused while locked.
    page.goto(live_portal + "/verify")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is paused for 15 minutes")
    kinds = _kinds(account.id)
    assert kinds.count("identity_failed") == 5 and "identity_locked" in kinds
    assert "identity_confirmed" not in kinds


def test_missing_card_details_are_reported(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    start_paying_in_full(page)
    page.get_by_role("button", name=re.compile(r"^Pay .+ now$")).click()
    expect(page.locator("#card-element-error")).not_to_be_empty()
    assert _payments(account.id) == []
