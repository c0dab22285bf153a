"""The session warning (WCAG 2.2.1 Timing Adjustable): more time on request, nothing typed lost,
and drafts cleared when a journey ends. The browser's clock is moved, not waited for."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import sign_in as _sign_in

pytestmark = pytest.mark.e2e


def _draft_keys(page):
    return page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('draft:'))")


def _session_expiry(page, live_portal) -> float:
    cookies = [c for c in page.context.cookies(live_portal) if c["expires"] > 0]
    assert len(cookies) == 1, f"one lasting session cookie expected: {cookies}"
    return cookies[0]["expires"]


def test_session_warning_keeps_what_was_typed_and_extends_the_session(
    app, live_portal, new_page, make_account, issue_link
):
    """At the warning time a modal asks, focus is on "Stay signed in"; pressing it keeps the
    typed text and focus, POSTs keep-alive, renews the cookie, says so, and restarts the clock."""
    account = make_account()
    page = new_page()
    page.clock.install()
    _sign_in(page, live_portal, issue_link, account)
    page.goto(live_portal + "/dispute")
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_portal + "/dispute/details")
    details = page.get_by_label("Tell us more")
    details.fill("I paid this in May 2024.")
    dialog = page.locator("#session-warning")
    warn_at = (app.config["SESSION_MINUTES"] * 60 - app.config["SESSION_WARNING_SECONDS"]) * 1000
    page.clock.fast_forward(warn_at - 5000)
    expect(dialog).to_be_hidden()
    page.clock.fast_forward(5000)
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.open && d.matches(':modal')"), "the warning must be a modal dialog"
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()

    before = _session_expiry(page, live_portal)
    time.sleep(1.1)  # the cookie's expiry is to the second
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.request.method == "POST" and answer.value.status == 200
    expect(dialog).to_be_hidden()
    status = page.locator("#session-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("You are still signed in.")
    expect(details).to_have_value("I paid this in May 2024.")
    expect(details).to_be_focused()
    assert _session_expiry(page, live_portal) > before, "keep-alive must renew the session cookie"

    # The old end of the session passes quietly: the clock started again.
    page.clock.fast_forward(app.config["SESSION_WARNING_SECONDS"] * 1000 + 10_000)
    page.wait_for_timeout(300)
    assert page.url == live_portal + "/dispute/details"
    expect(dialog).to_be_hidden()


def test_when_time_runs_out_what_was_typed_comes_back_after_signing_in_again(
    app, live_portal, new_page, make_account, issue_link
):
    """Doing nothing ends on /session-ended; after a fresh link and the identity check, the same
    page in the same tab gets back the typed text (drafts.js), and the reason chosen on the page
    before is still chosen (kept on the server)."""
    account = make_account()
    page = new_page()
    page.clock.install()
    _sign_in(page, live_portal, issue_link, account)
    page.goto(live_portal + "/dispute")
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_portal + "/dispute/details")
    page.get_by_label("Tell us more").fill("The interest is wrong.")
    page.clock.fast_forward(app.config["SESSION_MINUTES"] * 60 * 1000)
    page.wait_for_url(live_portal + "/session-ended")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please open your link again")

    _sign_in(page, live_portal, issue_link, account)
    page.goto(live_portal + "/dispute/details")
    expect(page.get_by_label("Tell us more")).to_have_value("The interest is wrong.")
    page.goto(live_portal + "/dispute")
    expect(page.get_by_role("radio").nth(1)).to_be_checked()


def test_signing_out_clears_the_drafts(live_portal, new_page, make_account, issue_link):
    """A finished journey (the signed-out page) leaves no draft of what was typed in the tab."""
    account = make_account()
    page = new_page()
    _sign_in(page, live_portal, issue_link, account)
    page.goto(live_portal + "/pay/part")
    page.get_by_label("How much do you want to pay now?").fill("60.25")
    assert _draft_keys(page), "drafts.js should keep a copy while signed in"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert _draft_keys(page) == []


def test_staying_signed_in_in_one_tab_clears_the_warning_in_the_others(
    app, live_portal, new_page, make_account, issue_link
):
    """Both tabs share one session cookie: "Stay signed in" in one closes the other's warning and
    restarts its clock, so it does not send the person to "open your link again"."""
    account = make_account()
    first = new_page()
    first.clock.install()
    _sign_in(first, live_portal, issue_link, account)
    second = first.context.new_page()
    second.goto(live_portal + "/account")
    warn_at = (app.config["SESSION_MINUTES"] * 60 - app.config["SESSION_WARNING_SECONDS"]) * 1000
    first.clock.fast_forward(warn_at + 1000)
    for page in (first, second):
        expect(page.locator("#session-warning")).to_be_visible()

    second.locator("#session-warning").get_by_role("button", name="Stay signed in").click()

    expect(first.locator("#session-warning")).to_be_hidden()
    # The first tab's old end passes and it stays where it was.
    first.clock.fast_forward(app.config["SESSION_WARNING_SECONDS"] * 1000 + 10_000)
    first.wait_for_timeout(300)
    assert first.url == live_portal + "/account"
    expect(first.locator("#session-warning")).to_be_hidden()
