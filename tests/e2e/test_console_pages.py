"""Every page of the staff console in Chromium at 1280 and 768 px: axe (WCAG 2.2 A/AA) with no
violations, one h1 that starts the title, landmarks, the skip link first, no sideways scroll;
pages with an error show a linked error summary. Every console route has a scene or a reason."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Dispute, DisputeReason, Message, Offer, Payment, SupportRequest
from portal.models.requests import RequestKind
from tests.e2e.conftest import check_page
from tests.helpers.plans import plan_rows
from tests.helpers.staff import PASSWORD, unused_code

pytestmark = pytest.mark.e2e

WIDTHS = ({"width": 1280, "height": 900}, {"width": 768, "height": 1024})

#: Console routes that are not pages a person reads, and why.
NOT_PAGES = {
    "console.sign_out": "a POST that redirects to the sign-in page",
    "console.sign_out_everywhere": "a POST that redirects to the sign-in page",
    "console.send_link": "a POST from the account page; its refusal re-renders the account page (a scene)",
    "console.add_note": "a POST from the account page; its refusal re-renders the account page (a scene)",
    "console.set_up_code": "a POST from the set-up page; its answers are the set-up scenes",
    "console.disable_staff": "a POST from a staff member's page that redirects back to it",
    "console.reset_staff": "a POST whose answer (the new set-up link) is a scene",
    "console.results_csv": "a CSV download, not a page",
    "console.import_rejected": "a CSV download of the rows not imported, not a page",
    "console.dispute_evidence": "the dispute's document, downloaded as an attachment",
    "console.issue_link": "a POST whose answer (the link, shown once) re-renders the links page (a scene)",
    "console.revoke_link": "a POST from the links page that redirects back to it",
    "console.revoke_links": "a POST from the links page that redirects back to it",
    "console.refund_again": "a POST from the refund page that redirects back to it",
    "console.revoke_api_key": "a POST from the connections page that redirects back to it",
}


@dataclass
class Scene:
    name: str
    endpoint: str
    path: str
    staff_cookie: str | None
    form: dict | None = None  # posted from the page, to show its errors


#: One good row and one with a bad amount, for the import result page.
IMPORT_CSV = (
    "reference,creditor,full_name,email,phone,date_of_birth,postal_code,currency,principal,interest,fees\n"
    "N-1,acme,Nia New,nia@example.com,,1990-01-02,60614,USD,100.00,0,0\n"
    "N-2,acme,Ned New,ned@example.com,,1990-01-02,60614,USD,lots,0,0\n"
)


def _cookie(client) -> str:
    return client.get_cookie("portal_staff", path="/console").value


def _scenes(app, make_account, make_staff, console_sign_in) -> list[Scene]:
    account = make_account()
    make_account("B-2", full_name="Bo Other", email=None)
    db.session.add_all(
        [
            SupportRequest(
                account=account, kind=RequestKind.PROMISE, promise_date=date.today(), promise_amount=500
            ),
            Offer(
                account=account, amount=1000, frequency="monthly", start_date=date.today() + timedelta(days=3)
            ),
            Dispute(
                account=account, reference="D-TEST01", reason=DisputeReason.NOT_MINE, details="Not my debt."
            ),
        ]
    )
    db.session.commit()
    plan = plan_rows(
        account, [(date.today() + timedelta(days=5), 3000), (date.today() + timedelta(days=35), 3000)]
    )
    db.session.commit()
    promise = db.session.scalar(db.select(SupportRequest).where(SupportRequest.account_id == account.id))
    offer = db.session.scalar(db.select(Offer).where(Offer.account_id == account.id))
    dispute = db.session.scalar(db.select(Dispute).where(Dispute.account_id == account.id))
    admin = make_staff("admin@example.com", "admin")
    agent = make_staff("agent@example.com", "agent")
    admin_client = console_sign_in(admin)
    admin_cookie = _cookie(admin_client)
    csv_file = (io.BytesIO(IMPORT_CSV.encode()), "accounts.csv")
    answer = admin_client.post(
        "/console/import", data={"creditor": "acme", "encoding": "auto", "file": csv_file}
    )
    assert answer.status_code == 302, answer.text
    imported = answer.headers["Location"]
    yesterday = date.today() - timedelta(days=1)  # "today" may still be tomorrow on the person's clock
    cheque = {
        "amount": "10.00",
        "received-day": str(yesterday.day),
        "received-month": str(yesterday.month),
        "received-year": str(yesterday.year),
        "method": "cheque",
        "reference": "CHQ 1",
    }
    assert admin_client.post(f"/console/accounts/{account.id}/payments/new", data=cheque).status_code == 302
    paid = db.session.scalar(db.select(Payment).where(Payment.account_id == account.id))

    pending = app.test_client()
    pending.post("/console/sign-in", data={"email": agent.email, "password": PASSWORD})
    from portal.console import staff_admin

    invited, token = staff_admin.create("new@example.com", staff_admin.StaffRole.AGENT, [])
    db.session.commit()
    from portal.api import keys as api_keys

    api_keys.create(account.creditor, "Collection system")
    db.session.commit()
    acc = f"/console/accounts/{account.id}"
    return [
        Scene("sign in", "console.sign_in", "/console/sign-in", None),
        Scene("sign in, wrong", "console.sign_in", "/console/sign-in", None, {"email": "x@example.com"}),
        Scene("code", "console.second_factor", "/console/sign-in/code", _cookie(pending)),
        Scene(
            "code, wrong", "console.second_factor", "/console/sign-in/code", _cookie(pending), {"code": "1"}
        ),
        Scene("set up", "console.set_password", f"/console/set-up/{token}", None),
        Scene(
            "set up, short", "console.set_password", f"/console/set-up/{token}", None, {"password": "short"}
        ),
        Scene("today", "console.today", "/console/", admin_cookie),
        Scene("find", "console.find", "/console/find?q=doe", admin_cookie),
        Scene("find, none", "console.find", "/console/find?q=zzz", admin_cookie),
        Scene("account", "console.account", f"/console/accounts/{account.id}", admin_cookie),
        Scene("your sign-in", "console.my_account", "/console/me", admin_cookie),
        Scene("staff", "console.staff_list", "/console/staff", admin_cookie),
        Scene("staff, invite wrong", "console.staff_list", "/console/staff", admin_cookie, {"email": "bad"}),
        Scene("staff member", "console.staff_member", f"/console/staff/{agent.id}", admin_cookie),
        Scene("calls", "console.record_call", f"{acc}/calls", admin_cookie),
        Scene("calls, nothing chosen", "console.record_call", f"{acc}/calls", admin_cookie, {"note": ""}),
        Scene("requests", "console.open_requests", f"{acc}/requests", admin_cookie),
        Scene("close a request", "console.close_request", f"{acc}/requests/{promise.id}/close", admin_cookie),
        Scene(
            "close a request, nothing chosen",
            "console.close_request",
            f"{acc}/requests/{promise.id}/close",
            admin_cookie,
            {"note": ""},
        ),
        Scene("pause", "console.pause_account", f"{acc}/pause", admin_cookie),
        Scene("pause, nothing chosen", "console.pause_account", f"{acc}/pause", admin_cookie, {"reason": ""}),
        Scene("close the account", "console.close_account", f"{acc}/close", admin_cookie),
        Scene(
            "close the account, no reason",
            "console.close_account",
            f"{acc}/close",
            admin_cookie,
            {"reason": ""},
        ),
        Scene("plan to cancel", "console.plan_to_cancel", f"{acc}/plans/cancel", admin_cookie),
        Scene("cancel the plan", "console.cancel_plan", f"{acc}/plans/{plan.id}/cancel", admin_cookie),
        Scene(
            "cancel the plan, no reason",
            "console.cancel_plan",
            f"{acc}/plans/{plan.id}/cancel",
            admin_cookie,
            {"reason": ""},
        ),
        Scene("queues", "console.queues", "/console/queues", admin_cookie),
        Scene("dispute", "console.dispute", f"/console/disputes/{dispute.id}", admin_cookie),
        Scene(
            "dispute, no note",
            "console.decide_dispute",
            f"/console/disputes/{dispute.id}",
            admin_cookie,
            {"note": ""},
        ),
        Scene("offer", "console.offer", f"/console/offers/{offer.id}", admin_cookie),
        Scene(
            "offer, nothing chosen",
            "console.decide_offer",
            f"/console/offers/{offer.id}",
            admin_cookie,
            {"reason": ""},
        ),
        Scene("links", "console.links_page", f"{acc}/links", admin_cookie),
        Scene("record a payment", "console.record_payment", f"{acc}/payments/new", admin_cookie),
        Scene(
            "record a payment, nothing typed",
            "console.record_payment",
            f"{acc}/payments/new",
            admin_cookie,
            {},
        ),
        Scene("payments", "console.payments", f"{acc}/payments", admin_cookie),
        Scene("refund", "console.refund_payment", f"{acc}/payments/{paid.id}/refund", admin_cookie),
        Scene("dispute documents", "console.dispute_documents", f"{acc}/disputes/evidence", admin_cookie),
        Scene("policies", "console.policies", "/console/policies", admin_cookie),
        Scene("policy", "console.policy", "/console/policies/acme", admin_cookie),
        Scene("policy, edit", "console.edit_policy", "/console/policies/acme/edit", admin_cookie),
        Scene(
            "policy, nothing changed", "console.edit_policy", "/console/policies/acme/edit", admin_cookie, {}
        ),
        Scene("import", "console.import_accounts", "/console/import", admin_cookie),
        Scene("import, no file", "console.import_accounts", "/console/import", admin_cookie, {}),
        Scene("import result", "console.import_result", imported, admin_cookie),
        Scene("results", "console.results", "/console/results", admin_cookie),
        Scene("connections", "console.connections", "/console/connections", admin_cookie),
        Scene(
            "results, bad dates",
            "console.results",
            "/console/results?from-day=31&from-month=2&from-year=2026",
            admin_cookie,
        ),
    ]


def _post_form(page, values: dict) -> None:
    """Fill what is given and press the form's first button, as a person would."""
    for name, value in values.items():
        page.locator(f"main form [name='{name}']").first.fill(value)
    page.locator("main form button[type=submit]").last.click() if "email" in values and page.url.endswith(
        "/staff"
    ) else page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_every_console_page_in_two_widths(
    app, make_account, make_staff, console_sign_in, live_portal, browser
):
    scenes = _scenes(app, make_account, make_staff, console_sign_in)
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("console.")}
    shown = {scene.endpoint for scene in scenes}
    assert not (routes - shown - NOT_PAGES.keys()), (
        f"console routes with no scene: {sorted(routes - shown - NOT_PAGES.keys())}"
    )
    assert not (NOT_PAGES.keys() - routes), (
        f"NOT_PAGES names routes that are gone: {NOT_PAGES.keys() - routes}"
    )

    app.config["WTF_CSRF_ENABLED"] = True  # the browser sends real tokens, as in production
    failures = []
    try:
        for scene in scenes:
            for viewport in WIDTHS:
                context = browser.new_context(viewport=viewport, locale="en-US")
                try:
                    if scene.staff_cookie:
                        context.add_cookies(
                            [
                                {
                                    "name": "portal_staff",
                                    "value": scene.staff_cookie,
                                    "url": live_portal + "/console",
                                }
                            ]
                        )
                    page = context.new_page()
                    page.goto(live_portal + scene.path)
                    if scene.form is not None:
                        _post_form(page, scene.form)
                        summary = page.locator(".error-summary a")
                        assert summary.count() >= 1, "an error page needs a linked error summary"
                        target = summary.first.get_attribute("href")
                        assert page.locator(target).count() == 1, (
                            f"the summary links to {target}, not on the page"
                        )
                    check_page(page, lang="en")
                except AssertionError as error:
                    failures.append(f"{scene.name} at {viewport['width']}px: {error}")
                finally:
                    context.close()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not failures, "\n".join(failures)


def test_an_agent_signs_in_with_a_code_finds_an_account_and_sends_a_link_by_keyboard(
    app, make_account, make_staff, live_portal, browser
):
    account = make_account()
    agent = make_staff("agent@example.com", "agent")
    app.config["WTF_CSRF_ENABLED"] = True
    context = browser.new_context(viewport=WIDTHS[0], locale="en-US")
    try:
        page = context.new_page()
        page.goto(live_portal + "/console/")
        page.get_by_label("Email address").fill(agent.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_label("Code from your authenticator app").fill(unused_code(agent))
        page.keyboard.press("Enter")
        page.get_by_role("heading", level=1, name="Today").wait_for()
        page.get_by_role("link", name="Find an account").click()
        page.get_by_label("Reference, name, email address or phone number").fill("ACC-1")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Jane Doe").click()
        page.get_by_role("heading", level=1).filter(has_text="Jane Doe").wait_for()
        page.get_by_label("Email", exact=True).check()
        page.get_by_role("button", name="Send the link").focus()
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="A new link is queued").wait_for()
        # It goes now, or at 08:00 on the person's clock when this runs at their night.
        message = db.session.scalar(db.select(Message).where(Message.account_id == account.id))
        assert message.kind == "link" and message.channel == "email"
        assert page.get_by_role("cell", name=str(message.id), exact=True).count() == 1
    finally:
        context.close()
        app.config["WTF_CSRF_ENABLED"] = False
