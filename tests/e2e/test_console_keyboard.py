"""The console by keyboard alone in Chromium: Tab, Enter, Space and typing, never a click or a
fill. An agent signs in (a wrong password first: focus goes to the error summary, its link to the
field), finds an account, sends a link and records a call; every element that takes focus shows it."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Event, Message
from tests.e2e.test_keyboard_only import Keyboard
from tests.helpers.staff import PASSWORD

pytestmark = pytest.mark.e2e

MORNING = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in New York: calls and messages may go


def test_an_agent_works_an_account_by_keyboard_alone(
    app, make_account, make_staff, live_portal, browser, monkeypatch
):
    account = make_account()
    account.debtor.phone = "+12025550143"
    db.session.commit()
    agent = make_staff("agent@example.com", "agent")
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    monkeypatch.setattr(clock, "today", lambda: MORNING.date())
    app.config["WTF_CSRF_ENABLED"] = True
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        keys = Keyboard(page)
        page.goto(live_portal + "/console/sign-in")

        keys.arrive("Sign in to the staff console")
        keys.type_into("Email address", agent.email)
        keys.type_into("Password", "not the password at all")
        keys.tab_to("button", "Continue")
        keys.follow()
        keys.arrive_at_error(
            "Sign in to the staff console",
            "The email address or password is not right. "
            "After 5 wrong tries in a row, signing in stops for 15 minutes.",
        )
        # The address is kept as typed (the field has focus); the password is never sent back.
        assert page.get_by_label("Email address").input_value() == agent.email
        keys.type_into("Password", PASSWORD)
        keys.tab_to("button", "Continue")
        keys.follow()

        keys.arrive("Code from your authenticator app")
        keys.type_into("Code from your authenticator app", pyotp.TOTP(agent.totp_secret).at(MORNING))
        keys.tab_to("button", "Sign in")
        keys.follow()

        keys.arrive("Today")
        keys.tab_to("link", "Find an account")
        keys.follow()
        keys.arrive("Find an account")
        keys.type_into("Reference, name, email address or phone number", "ACC-1")
        keys.tab_to("button", "Search")
        keys.follow()
        keys.tab_to("link", "Jane Doe")
        keys.follow()

        keys.tab_to("radio", "The way the person prefers")  # a group is one Tab stop, at its choice
        assert keys.press("ArrowDown").name == "Email"
        keys.tab_to("button", "Send the link")
        keys.follow()
        expect(page.get_by_role("status")).to_contain_text("A new link is queued")
        assert db.session.scalar(db.select(Message).where(Message.kind == "link")).channel == "email"

        keys.tab_to("link", "Record a phone call", presses=80)
        keys.follow()
        keys.arrive("Phone calls")
        keys.tab_to("radio", "Talked with the person")
        assert keys.press("ArrowDown").name == "Left a voicemail"
        keys.tab_to("button", "Record the call")
        keys.follow()
        expect(page.get_by_role("status")).to_be_visible()
        (call,) = db.session.scalars(db.select(Event).where(Event.kind == "call_made")).all()
        assert call.data["outcome"] == "voicemail" and call.data["by"] == agent.email
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
        context.close()
