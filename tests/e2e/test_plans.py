"""Options within the creditor's limits, in Chromium: a monthly plan run by the runner, a card
declined off-session replaced by another, a settlement, and a part payment."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import AccountStatus, InstalmentStatus, Payment, Plan
from portal.plans import runner
from tests.e2e.conftest import check_page
from tests.e2e.journey import (
    CARD_DECLINED_AT_CHARGE,
    CARD_OK,
    confirm_identity,
    enter_card,
    expect_receipt,
    open_link,
)
from tests.helpers.plans import noon

pytestmark = pytest.mark.e2e


def _fill_card(page, number):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("60614")


def _to_options(page):
    page.get_by_role("link", name="See other ways to pay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose how to pay")
    check_page(page)


def _build_monthly_plan(page, count: int, first):
    """The builder's questions, one a page, each checked on arrival."""
    page.get_by_role("link", name="Pay in installments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How often do you want to pay?")
    check_page(page)
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How do you want to set the payments?")
    check_page(page)
    page.get_by_role("radio", name="Choose the number of payments").check()
    page.get_by_role("textbox", name="Number of payments", exact=True).fill(str(count))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When do you want to make the first payment?")
    check_page(page)
    group = page.get_by_role("group", name="When do you want to make the first payment?")
    group.get_by_label("Day").fill(str(first.day))
    group.get_by_label("Month").fill(str(first.month))
    group.get_by_label("Year").fill(str(first.year))
    page.get_by_role("button", name="Continue").click()


def _agree(page, card_number):
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your payment plan")
    expect(page.locator("#card-element input").first).to_be_visible()
    check_page(page)
    _fill_card(page, card_number)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Agree and set up the plan").click()


def _plan(account_id) -> Plan:
    db.session.expire_all()
    return db.session.scalars(db.select(Plan).where(Plan.account_id == account_id)).one()


def test_monthly_plan_first_paid_now_second_by_the_runner(
    live_portal, app, new_page, make_account, issue_link, mailbox
):
    account = make_account(principal=30000, interest=0, fees=0)
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    _to_options(page)
    _build_monthly_plan(page, 3, clock.today())
    rows = page.get_by_role("table", name="Your payments").get_by_role("row")
    expect(rows).to_have_count(4)  # header + 3 payments
    expect(page.get_by_role("table", name="Your payments")).to_contain_text("$100.00")
    _agree(page, CARD_OK)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment plan is set up")
    check_page(page)
    plan = _plan(account.id)
    assert [i.status for i in plan.instalments] == [InstalmentStatus.PAID] + [InstalmentStatus.SCHEDULED] * 2
    assert plan.consent_text.startswith("I agree to this plan. Example Recovery Services may keep the card")
    assert plan.consent_at is not None and plan.policy.version == 1

    confirmation = next(m for m in mailbox.wait_for(2) if m["Subject"].startswith("Your payment plan"))
    attachments = list(confirmation.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["payment-plan.ics"]
    assert attachments[0].get_content().count("BEGIN:VEVENT") == 3

    # Move the clock to the second payment's date and run the runner, as cron would.
    second = plan.instalments[1].due_date
    app.config["CLOCK_OFFSET_DAYS"] = (second - clock.today()).days
    assert runner.charge_due(noon(clock.today())).charged == 1

    page.goto(live_portal + "/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment plan")
    expect(page.get_by_text("2 of 3 payments")).to_be_visible()
    check_page(page)
    db.session.expire_all()
    assert len(db.session.scalars(db.select(Payment).where(Payment.account_id == account.id)).all()) == 2


def test_card_declined_off_session_then_paid_with_another_card(
    live_portal, app, new_page, make_account, issue_link, mailbox
):
    account = make_account(principal=30000, interest=0, fees=0)
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    _to_options(page)
    first = clock.today() + timedelta(days=7)
    _build_monthly_plan(page, 3, first)
    _agree(page, CARD_DECLINED_AT_CHARGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your payment plan is set up")

    app.config["CLOCK_OFFSET_DAYS"] = 7
    assert runner.charge_due(noon(clock.today())).declined == 1
    notice = next(m for m in mailbox.wait_for(2) if m["Subject"] == "We could not collect your plan payment")
    link = re.search(r"http://\S+/l/\S+", notice.get_body(preferencelist=("plain",)).get_content()).group(0)

    # The debtor follows the email's link in a new browser session.
    page = new_page()
    open_link(page, link)
    confirm_identity(page, 27, 3, 1980)
    page.get_by_role("link", name="See your plan, pay early or change your card").click()
    expect(page.get_by_role("heading", name="A payment did not go through")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Use another card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the card for your plan")
    expect(page.locator("#card-element input").first).to_be_visible()
    check_page(page)
    _fill_card(page, CARD_OK)
    page.get_by_role("button", name="Save the new card").click()
    expect_receipt(page)

    plan = _plan(account.id)
    assert plan.card_last4 == "4242"
    assert plan.instalments[0].status is InstalmentStatus.PAID


def test_settlement_paid_in_one_go(live_portal, new_page, viewport, make_account, issue_link, mailbox):
    account = make_account(principal=100000, interest=0, fees=0)
    page = new_page(viewport)
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    _to_options(page)
    expect(page.get_by_text("You save $200.00.")).to_be_visible()
    page.get_by_role("link", name="Settle for less").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settle for $800.00")
    check_page(page)
    enter_card(page, CARD_OK)
    expect_receipt(page)
    expect(page.get_by_text("This account is now settled")).to_be_visible()
    page.get_by_role("link", name="Go to your account").click()
    expect(page.get_by_role("heading", name="This account is settled")).to_be_visible()
    check_page(page)
    db.session.expire_all()
    refreshed = db.session.get(type(account), account.id)
    assert refreshed.status is AccountStatus.SETTLED and refreshed.forgiven == 20000
    assert refreshed.balance.minor == 0
    receipt = mailbox.wait_for(1)[0].get_body(preferencelist=("plain",)).get_content()
    assert "$800.00" in receipt


def test_part_payment_within_the_minimum(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    _to_options(page)
    page.get_by_role("link", name="Pay part now").click()
    page.get_by_label("How much do you want to pay now?").fill("5")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The smallest amount you can pay now is $10.00.")
    assert page.title().startswith("Error:")
    check_page(page)
    page.get_by_label("How much do you want to pay now?").fill("60.25")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay $60.25 by card")
    expect(page.get_by_text("you will still owe $1,000.00")).to_be_visible()
    enter_card(page, CARD_OK)
    expect_receipt(page)
    db.session.expire_all()
    assert db.session.get(type(account), account.id).balance.minor == 100000
