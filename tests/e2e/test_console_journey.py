"""A day in the console, in Chromium, found by what a screen reader hears: an admin invites an
agent; the agent sets up (password, authenticator app, recovery codes), finds an account, sends a
link and records a call; a supervisor decides an offer and a dispute, refunds part of a payment,
edits a policy, and the results page shows the payment.

The portal's clock is held at a weekday morning in New York, so calls and messages are inside the
person's hours whenever this runs; codes are those an authenticator app shows at that moment.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import (
    CreditorPolicy,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Event,
    Offer,
    OfferStatus,
    Purpose,
)
from portal.payments import service
from portal.payments.attempts import Charge
from portal.payments.gateway import Card
from tests.helpers.plans import saved_card
from tests.helpers.staff import PASSWORD

pytestmark = pytest.mark.e2e

MORNING = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in New York, a Friday
DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "copper-meadow-lantern-91"


def _sign_in(page, base: str, email: str, secret: str, password: str = PASSWORD) -> None:
    page.goto(base + "/console/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(MORNING))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")


def _scene(make_account, localstripe):
    offered = make_account("ACC-1", full_name="Jane Doe", email="jane@example.com")
    offered.debtor.phone = "+12025550143"
    disputed = make_account("ACC-2", full_name="Dana Dispute", email="dana@example.com")
    paying = make_account("ACC-3", full_name="Paul Payer", email="paul@example.com")
    db.session.add(Offer(account=offered, amount=2500, frequency="monthly", start_date=date(2027, 1, 20)))
    db.session.add(
        Dispute(
            account=disputed,
            reference="D-7KQ2M9",
            reason=DisputeReason.ALREADY_PAID,
            details="I paid in June.",
        )
    )
    disputed.on_hold = True
    db.session.commit()
    card = Card(saved_card(localstripe, paying), "Visa", "4242")
    owed = paying.balance.minor
    outcome = service.pay_by_card(paying, Charge(Purpose.PART, 5000, basis=owed), saved=card)
    assert outcome.result is service.Result.SUCCEEDED, outcome
    return offered, disputed, paying


def test_a_day_in_the_console(
    app, make_account, make_staff, localstripe, live_portal, browser, monkeypatch, mailbox
):
    offered, disputed, paying = _scene(make_account, localstripe)
    mailbox.wait_for(1)  # Paul's receipt
    mailbox.clear()
    admin = make_staff("admin@example.com", "admin")
    supervisor = make_staff("supervisor@example.com", "supervisor")
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    monkeypatch.setattr(clock, "today", lambda: MORNING.date())
    app.config["WTF_CSRF_ENABLED"] = True
    contexts = []

    def new_page():
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    try:
        # The admin invites an agent limited to Acme Bank.
        page = new_page()
        _sign_in(page, live_portal, admin.email, admin.totp_secret)
        page.get_by_role("link", name="Staff").click()
        page.get_by_label("Email address").fill("new.agent@example.com")
        page.get_by_label("Agent: works accounts").check()
        page.get_by_label("Acme Bank").check()
        page.get_by_role("button", name="Invite").click()
        expect(page.get_by_role("status")).to_contain_text("new.agent@example.com is invited")
        (setup,) = re.findall(r"http://\S+/console/set-up/[\w-]+", page.get_by_role("status").inner_text())

        # The agent sets up: a password, the authenticator app, the recovery codes.
        agent = new_page()
        agent.goto(setup)
        agent.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        agent.get_by_label("Type the new password again").fill(NEW_PASSWORD)
        agent.get_by_role("button", name="Continue").click()
        expect(agent.get_by_role("heading", level=1)).to_have_text(
            "Add the console to your authenticator app"
        )
        expect(agent.get_by_role("img", name="QR code of your key")).to_be_visible()
        key = agent.locator("#key").inner_text().replace(" ", "")
        agent.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).at(MORNING))
        agent.get_by_role("button", name="Continue").click()
        expect(agent.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
        expect(agent.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
        agent.get_by_role("link", name="I have kept my codes – go to the console").click()

        # The agent finds an account, sends a link and records a call.
        agent.get_by_role("link", name="Find an account").click()
        agent.get_by_label("Reference, name, email address or phone number").fill("ACC-1")
        agent.get_by_role("button", name="Search").click()
        agent.get_by_role("link", name="Jane Doe").click()
        agent.get_by_label("Email", exact=True).check()
        agent.get_by_role("button", name="Send the link").click()
        expect(agent.get_by_role("status")).to_contain_text("A new link is queued")
        mail = mailbox.wait_for(1)[0]
        assert mail["To"] == "jane@example.com"
        mailbox.clear()
        agent.get_by_role("link", name="Record a phone call").click()
        agent.get_by_label("Left a voicemail").check()
        agent.get_by_role("button", name="Record the call").click()
        expect(agent.get_by_role("status")).to_be_visible()
        calls = db.session.scalars(db.select(Event).where(Event.kind == "call_made")).all()
        assert [(e.account_id, e.data["outcome"], e.data["by"]) for e in calls] == [
            (offered.id, "voicemail", "new.agent@example.com")
        ]

        # A supervisor decides the offer and the dispute.
        boss = new_page()
        _sign_in(boss, live_portal, supervisor.email, supervisor.totp_secret)
        boss.get_by_role("link", name="Queues").click()
        boss.get_by_role("link", name=re.compile(r"^Decide offer \d+$")).click()
        boss.get_by_label("Accept the offer as it is").check()
        boss.get_by_role("button", name="Record the decision").click()
        boss.get_by_role("link", name="Queues").click()
        boss.get_by_role("link", name="Decide dispute D-7KQ2M9").click()
        expect(boss.get_by_text("I paid in June.")).to_be_visible()
        boss.get_by_label("Rejected: the debt is verified").check()
        boss.get_by_label("Note").fill(
            "Our records show no payment in June; the statement is attached to the file."
        )
        boss.get_by_role("button", name="Record the decision").click()
        db.session.expire_all()
        assert db.session.scalar(db.select(Offer)).status is OfferStatus.ACCEPTED
        assert db.session.scalar(db.select(Dispute)).status is DisputeStatus.REJECTED

        # A refund of part of Paul's payment, through Stripe.
        boss.get_by_role("link", name="Find an account").click()
        boss.get_by_label("Reference, name, email address or phone number").fill("Paul")
        boss.get_by_role("button", name="Search").click()
        boss.get_by_role("link", name="Paul Payer").click()
        boss.get_by_role("link", name="Refund a payment").click()
        boss.get_by_role("link", name=re.compile(r"^Refund payment \d+$")).click()
        boss.get_by_label("Part of it").check()
        boss.get_by_label("Amount to refund").fill("10.00")
        boss.get_by_label("Reason").fill("Charged for a fee that was waived.")
        boss.get_by_role("button", name="Refund to the card").click()
        expect(boss.get_by_role("status")).to_be_visible()
        db.session.expire_all()
        assert paying.payments[0].refunded == 1000

        # A new version of Acme Bank's policy.
        boss.get_by_role("link", name="Policies").click()
        boss.get_by_role("link", name="Acme Bank").click()
        boss.get_by_role("link", name="Change this policy").click()
        boss.get_by_label("Most messages to one person in any 7 days").fill("2")
        boss.get_by_role("button", name="Save a new version").click()
        versions = db.session.scalars(db.select(CreditorPolicy).order_by(CreditorPolicy.version)).all()
        assert versions[-1].settings["contact_limit_7d"] == 2

        # The results show Paul's payment: $50.00 paid, $10.00 refunded, $40.00 kept.
        boss.get_by_role("link", name="Results").click()
        expect(boss.get_by_role("heading", level=1)).to_have_text("Results")
        expect(boss.get_by_role("table").filter(has_text="Acme Bank").first).to_contain_text("$40.00")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
        for context in contexts:
            context.close()
