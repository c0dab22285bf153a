"""Every page of the portal in every state worth seeing, set up the way a debtor gets there.

States are reached through the app itself (a test client posting the same forms a browser
would), then the session cookie is handed to Chromium, which opens the page. `SCENES_FOR` names
the endpoint each scene shows, so the sweep can prove that no route was left out.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Page

from portal.accounts import policies
from portal.cant_pay.promise_routes import PROMISE
from portal.extensions import db
from portal.links import service as links
from portal.models.types import utcnow
from portal.notify.optout import optout_url
from portal.payments import gateway
from tests.e2e.journey import CARD_3DS, CARD_OK
from tests.helpers import documents
from tests.helpers.plan_pages import agree_plan, choose_plan, type_card
from tests.helpers.plans import make_plan

# Routes that are not pages a person reads, and why.
NOT_PAGES = {
    "static": "CSS, scripts and images",
    "look.stylesheet": "the brand colour's CSS (tests/e2e/test_phone_layout.py, tests/test_look.py)",
    "look.favicon": "the favicon (tests/test_look.py)",
    "links.open_link": "redirects to the start page (its failures are scenes below)",
    "links.change_language": "redirects back to the page the person was on",
    "links.sign_out": "a POST that redirects to the signed-out page",
    "links.ask_for_new_link": "a POST that may queue a new link, then redirects to the one answer page",
    "plans.pay_next": "a POST from the plan page that pays with the saved card and redirects",
    "plans.pay_off": "a POST from the plan page that pays with the saved card and redirects",
    "plans.calendar": "a calendar file (.ics), checked in tests/plans/test_calendar.py",
    "plans.confirm_payment": "hands the browser to the card page's 3-D Secure check",
    "webhook.stripe_webhook": "Stripe's signed POSTs",
    "sms_webhooks.status": "Twilio's signed delivery reports (tests/notify/test_sms.py)",
    "sms_webhooks.inbound": "Twilio's signed replies, answered in TwiML (tests/notify/test_sms.py)",
    "guidance.keep_alive": "the session warning's JSON call",
}


@dataclass
class Scene:
    name: str
    endpoint: str | None  # None: not a route of ours (the 404 page)
    path: str
    cookie: str | None = None
    then: Callable[[Page], None] | None = None  # what the person does after the page opens


def submit(page: Page) -> None:
    """Press the main form's button without answering: the page's error state."""
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def press_card_button(page: Page) -> None:
    """Press the card form's button with nothing typed or ticked: errors shown by the script."""
    page.locator("#card-element input").first.wait_for()
    page.locator("main form button[type=submit]:visible").first.click()
    page.locator("main .error-message:visible").first.wait_for()


def card_needing_bank_check(page: Page) -> None:
    """Pay with a card whose bank asks to check it is you: the page waiting for the bank."""
    card = page.locator("#card-element")
    for field, value in (("number", CARD_3DS), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
        card.locator(f"input[placeholder={field}]").fill(value)
    card.locator("input[placeholder=postal_code]").fill("60614")
    page.locator("#pay-button").click()  # its name is in the page's language
    # localstripe's own dialog, first while the card is saved, then for the payment itself.
    page.get_by_role("button", name="Complete authentication").click()
    page.locator("#auth-form").wait_for()
    page.get_by_role("button", name="Complete authentication").wait_for()


def bank_check_then_processing(page: Page) -> None:
    """After the bank check, Stripe says the payment is still "processing" (as it does for some
    banks); localstripe never does, so only this scene's reading of the intent is changed."""
    card_needing_bank_check(page)
    real = gateway.StripeGateway.retrieve_intent

    def still_processing(self, intent_id):
        return dataclasses.replace(real(self, intent_id), status="processing")

    gateway.StripeGateway.retrieve_intent = still_processing
    try:
        with page.expect_navigation(url="**/complete"):
            page.get_by_role("button", name="Complete authentication").click()
    finally:
        gateway.StripeGateway.retrieve_intent = real


def submit_without_script(page: Page) -> None:
    """Send the card form with no SetupIntent, as a browser whose script failed would."""
    page.locator("#card-element input").first.wait_for()
    with page.expect_navigation():
        page.evaluate("document.getElementById('card-form').submit()")


def upload_too_large(page: Page) -> None:
    """On the dispute's document page, attach a file over the upload limit (11 MB) and send:
    the "file too large" page."""
    big = {
        "name": "scan.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 " + b"0" * (12 * 1024 * 1024),
    }
    page.locator("main input[type=file]").set_input_files(big)
    submit(page)


def upload_wrong_kind(page: Page) -> None:
    """On the dispute's document page, send a file that is not a PDF, JPEG or PNG: its error."""
    notes = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Just some notes."}
    page.locator("main input[type=file]").set_input_files(notes)
    submit(page)


def tamper_csrf(page: Page) -> None:
    """Submit a form whose security token no longer matches: the "page timed out" state."""
    page.evaluate("document.querySelector('main form input[name=csrf_token]').value = 'stale'")
    submit(page)


def stop_emails(page: Page) -> None:
    submit(page)


class Debtors:
    """Accounts in the language under test, and signed-in sessions for them."""

    def __init__(self, app, make_account, issue_link, lang: str):
        self.app, self.make_account, self.issue_link, self.lang = app, make_account, issue_link, lang
        self.count = 0

    def account(self, **fields):
        self.count += 1
        return self.make_account(
            reference=f"ACC-{self.count:03d}",
            email=f"debtor{self.count}@example.com",
            language=self.lang,
            **fields,
        )

    def client(self, account):
        client = self.app.test_client()
        client.get(self.issue_link(account))
        dob = account.debtor.date_of_birth
        answer = (
            {"day": str(dob.day), "month": str(dob.month), "year": str(dob.year)}
            if dob
            else {"postal_code": account.debtor.postal_code}
        )
        assert client.post("/verify", data=answer).status_code == 303
        return client

    @staticmethod
    def cookie(client) -> str:
        return client.get_cookie("session").value


def _date_form(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def _posted(client, path: str, data: dict, expect: str | None = None) -> str:
    response = client.post(path, data=data)
    assert response.status_code == 303, (path, response.status_code, response.text[:500])
    location = response.headers["Location"]
    assert expect is None or location == expect, (path, location)
    return location


def _disputed(client, reason: str = "already_paid", details: str = "", document: bool = False) -> str:
    """Answer the dispute's three questions through the app; returns the check page's path.
    The document's name has no words in it, so the Chinese sweep does not count it as English."""
    _posted(client, "/dispute", {"reason": reason}, "/dispute/details")
    _posted(client, "/dispute/details", {"details": details}, "/dispute/document")
    answer = {"evidence": (io.BytesIO(documents.pdf()), "03-2026.PDF")} if document else {"without": "1"}
    return _posted(client, "/dispute/document", answer, "/dispute/check")


def scenes(app, make_account, issue_link, localstripe, runner, lang: str) -> list[Scene]:
    """Every scene, its accounts and sessions created in the test's database."""
    d = Debtors(app, make_account, issue_link, lang)
    today = utcnow().date()
    out: list[Scene] = []

    def add(name, endpoint, path, client=None, then=None):
        out.append(Scene(name, endpoint, path, d.cookie(client) if client else None, then))

    # Pages anyone can open.
    add("home", "links.index", "/")
    add("not found", None, "/no-such-page")
    add("guide to paying online", "guidance.paying_online", "/help/paying-online")
    add("call back, not signed in", "guidance.call_back", "/help/call-back")
    add("session ended", "links.session_ended", "/session-ended")
    add("signed out", "links.signed_out", "/signed-out")
    add("preferences, not signed in", "preferences.edit", "/contact-preferences")
    add("link that does not work", "links.open_link", "/l/not-a-real-link")
    expired = d.account()
    link = links.issue(expired)
    link.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    add("expired link", "links.open_link", f"/l/{links.token_for(link)}")
    stopper = d.account()
    add("stop emails", "optout.confirm", urlsplit(optout_url(stopper.debtor)).path)
    add(
        "emails stopped",
        "optout.stop",
        urlsplit(optout_url(stopper.debtor)).path,
        then=stop_emails,
    )
    add("stop link that does not work", "optout.confirm", "/stop/not-a-real-token")
    add("new link asked for", "links.new_link_asked", "/new-link-asked")

    # Opening a link and confirming who you are.
    newcomer = d.account()
    add("start", "links.start", issue_link(newcomer))
    add("date of birth", "links.verify", issue_link(newcomer), then=lambda p: _to_verify(p))
    add(
        "date of birth, empty",
        "links.verify",
        issue_link(newcomer),
        then=lambda p: (_to_verify(p), submit(p)),
    )
    postal = d.account(date_of_birth=None)
    add("postal code", "links.verify", issue_link(postal), then=lambda p: _to_verify(p))
    add("postal code, empty", "links.verify", issue_link(postal), then=lambda p: (_to_verify(p), submit(p)))
    nothing = d.account(date_of_birth=None, postal_code=None)
    add("cannot check online", "links.verify", issue_link(nothing), then=lambda p: _to_verify(p))
    locked = d.account()
    lock_client = app.test_client()
    lock_client.get(issue_link(locked))
    for _ in range(5):
        lock_client.post("/verify", data={"day": "1", "month": "1", "year": "1901"})
    add("link paused", "links.verify", "/verify", lock_client)
    barred = d.account()
    bar_client = app.test_client()
    for _ in range(2):  # ten wrong answers over two links lock every link of the account
        bar_client.get(issue_link(barred))
        for _ in range(5):
            bar_client.post("/verify", data={"day": "1", "month": "1", "year": "1901"})
    add("account locked", "links.verify", "/verify", bar_client)

    # An open account: everything a debtor can choose.
    open_account = d.account()
    c = d.client(open_account)
    add("account", "debtor.overview", "/account", c)
    add("about this debt", "disputes.about", "/about-this-debt", c)
    add("choose how to pay", "debtor.options", "/options", c)
    add("pay in full", "payments.pay", "/pay", c)
    add("pay in full, no card", "payments.pay", "/pay", c, then=press_card_button)
    add("pay in full, sent without a card", "payments.pay_submit", "/pay", c, then=submit_without_script)
    add(
        "pay in full, bank check",
        "payments.pay_submit",
        "/pay",
        d.client(d.account()),
        then=card_needing_bank_check,
    )
    add(
        "pay in full, processing",
        "payments.complete",
        "/pay",
        d.client(d.account()),
        then=bank_check_then_processing,
    )
    add("settle", "payments.settle", "/settle", c)
    add("pay part, amount", "payments.part_amount", "/pay/part", c)
    add("pay part, amount empty", "payments.part_amount", "/pay/part", c, then=submit)
    add("plan builder", "plans.builder", "/plan/new", c)
    add("plan builder, empty", "plans.builder", "/plan/new", c, then=submit)
    # The plan builder's later questions, each for a debtor who has answered the ones before it.
    paying = d.client(d.account())
    _posted(paying, "/plan/new", {"frequency": "monthly"}, "/plan/new/payments")
    add("plan, payments", "plans.payments", "/plan/new/payments", paying)
    add("plan, payments empty", "plans.payments", "/plan/new/payments", paying, then=submit)
    dating = d.client(d.account())
    choose_plan(dating, frequency="monthly", count=3)
    add("plan, first payment date", "plans.first_date", "/plan/new/first-payment-date", dating)
    add(
        "plan, first payment date empty",
        "plans.first_date",
        "/plan/new/first-payment-date",
        dating,
        then=submit,
    )
    # A creditor of its own whose policy asks for a first payment: the question only it gets.
    first_paying = d.account(creditor_slug="first-payment")
    policies.change(first_paying.creditor, {"down_payment_required": True, "down_payment_minimum": 10000})
    db.session.commit()
    fpc = d.client(first_paying)
    asked = choose_plan(fpc, frequency="monthly", count=3, first=today + timedelta(days=3))
    assert asked.headers["Location"] == "/plan/new/first-payment-amount", asked.text[:500]
    add("plan, first payment amount", "plans.down_payment", "/plan/new/first-payment-amount", fpc)
    add(
        "plan, first payment amount empty",
        "plans.down_payment",
        "/plan/new/first-payment-amount",
        fpc,
        then=submit,
    )
    add("can't pay", "cant_pay.choices", "/cant-pay", c)
    # The promise and call-back questions, unanswered (this debtor never saves an answer to them).
    add("promise", "cant_pay.promise", "/cant-pay/promise", c)
    add("promise, empty", "cant_pay.promise", "/cant-pay/promise", c, then=submit)
    add("promise, how much", "cant_pay.promise_amount", "/cant-pay/promise/how-much", c)
    add("promise, how much empty", "cant_pay.promise_amount", "/cant-pay/promise/how-much", c, then=submit)
    add(
        "promise, part without an amount",
        "cant_pay.promise_amount",
        "/cant-pay/promise/how-much",
        c,
        then=lambda p: (p.locator("#how_much-1").check(), submit(p)),
    )
    add("call back", "cant_pay.hardship", "/cant-pay/call-back", c)
    add("call back, empty", "cant_pay.hardship", "/cant-pay/call-back", c, then=submit)
    add("call back, days", "cant_pay.callback_days", "/cant-pay/call-back/days", c)
    add("call back, times", "cant_pay.callback_times", "/cant-pay/call-back/times", c)
    add(
        "call back, what is happening",
        "cant_pay.callback_explanation",
        "/cant-pay/call-back/what-is-happening",
        c,
    )
    add(
        "call back, what is happening too long",
        "cant_pay.callback_explanation",
        "/cant-pay/call-back/what-is-happening",
        c,
        then=lambda p: (p.locator("#explanation").fill("9" * 2001), submit(p)),
    )
    add("dispute", "disputes.dispute_form", "/dispute", c)
    add("dispute, empty", "disputes.dispute_form", "/dispute", c, then=submit)
    # The dispute's later pages, each debtor at one page, so one scene's answers fill no other's.
    # Documents uploaded for them go to a throwaway folder, not the checkout's instance/.
    app.instance_path = tempfile.mkdtemp(prefix="portal-scenes-")
    weakref.finalize(app, shutil.rmtree, app.instance_path, True)  # gone with the test's app
    why = d.client(d.account())
    _posted(why, "/dispute", {"reason": "other"}, "/dispute/details")
    add("dispute, tell us more", "disputes.details", "/dispute/details", why)
    add("dispute, tell us more empty", "disputes.details", "/dispute/details", why, then=submit)
    told = d.client(d.account())
    _posted(told, "/dispute", {"reason": "wrong_amount"}, "/dispute/details")
    _posted(told, "/dispute/details", {"details": ""}, "/dispute/document")
    add("dispute, document", "disputes.evidence", "/dispute/document", told)
    add("dispute, wrong kind of file", "disputes.evidence", "/dispute/document", told, then=upload_wrong_kind)
    add("dispute, file too large", "disputes.evidence", "/dispute/document", told, then=upload_too_large)
    checking = d.client(d.account())
    _disputed(checking, reason="not_mine", document=True)
    add("dispute, document added", "disputes.evidence", "/dispute/document", checking)
    add("dispute, check", "disputes.check", "/dispute/check", checking)
    add("propose a plan", "own_offer.propose", "/offer/new", c)
    add("propose a plan, empty", "own_offer.propose", "/offer/new", c, then=submit)
    asker = d.client(d.account())  # answers nothing: each question as it first opens, and empty
    add("offer, how often", "own_offer.frequency", "/offer/new/how-often", asker)
    add("offer, how often empty", "own_offer.frequency", "/offer/new/how-often", asker, then=submit)
    add("offer, first payment", "own_offer.start", "/offer/new/first-payment-date", asker)
    add("offer, first payment empty", "own_offer.start", "/offer/new/first-payment-date", asker, then=submit)
    add("offer, note", "own_offer.note", "/offer/new/note", asker)
    add(
        "offer, note too long",  # an empty note is an answer (it is optional): too long is its error
        "own_offer.note",
        "/offer/new/note",
        asker,
        then=lambda p: (p.locator("#note").fill("9" * 1001), submit(p)),
    )
    checker = d.client(d.account())
    _answer_offer(checker, today + timedelta(days=40))
    add("check your offer", "own_offer.check", "/offer/new/check", checker)
    lapsed = d.account()
    lapsed_client = d.client(lapsed)
    _answer_offer(lapsed_client, today + timedelta(days=40))
    _offer_date_passed(lapsed)
    add("check your offer, date passed", "own_offer.start", "/offer/new/check", lapsed_client)
    add("preferences", "preferences.edit", "/contact-preferences", c)
    add("preferences, best way", "preferences.channel", "/contact-preferences/way", c)
    add("preferences, best way empty", "preferences.channel", "/contact-preferences/way", c, then=submit)
    add("preferences, best time", "preferences.times", "/contact-preferences/time", c)
    add(
        "preferences, best time too long",  # optional, so an empty answer is fine: too long is its error
        "preferences.times",
        "/contact-preferences/time",
        c,
        then=lambda p: (p.locator("#times").fill("9" * 121), submit(p)),
    )
    # A language is always chosen (the page's own, until one is saved): the page has no error state.
    add("preferences, language", "preferences.language", "/contact-preferences/language", c)
    add("preferences, ways to stop", "preferences.stop", "/contact-preferences/stop", c)
    emailed = d.client(d.account())
    _posted(
        emailed, "/contact-preferences/way", {"channel": "email"}, "/contact-preferences/saved?choice=channel"
    )
    add(
        "preferences, stopping the best way",
        "preferences.stop",
        "/contact-preferences/stop",
        emailed,
        then=lambda p: (p.locator("#stop-0").check(), submit(p)),
    )
    add("page timed out", "preferences.channel", "/contact-preferences/way", c, then=tamper_csrf)
    add("afford, income", "afford.income", "/afford", c)
    add("afford, income empty", "afford.income", "/afford", c, then=submit)
    _posted(c, "/afford", {"income": "2345.67"}, "/afford/outgoings")
    add("afford, outgoings", "afford.outgoings", "/afford/outgoings", c)
    _posted(
        c,
        "/afford/outgoings",
        {"housing": "812.34", "bills": "123.47", "food": "301.19", "other_debts": "57.83"},
    )
    add("afford, how to pay", "afford.how_to_pay", "/afford/how-to-pay", c)
    add("afford, how to pay empty", "afford.how_to_pay", "/afford/how-to-pay", c, then=submit)
    _posted(c, "/afford/how-to-pay", {"frequency": "monthly"}, "/afford/first-payment")
    add("afford, first payment", "afford.first_payment", "/afford/first-payment", c)
    add("afford, first payment empty", "afford.first_payment", "/afford/first-payment", c, then=submit)
    _posted(c, "/afford/first-payment", _date_form("start", today + timedelta(days=5)), "/afford/result")
    add("afford, result", "afford.result", "/afford/result", c)
    _posted(c, "/afford/result", {"next": "plan"}, "/afford/share")
    add("afford, share", "afford.share", "/afford/share", c)

    chooser = d.client(d.account())
    assert (
        choose_plan(chooser, frequency="monthly", count=3, first=today + timedelta(days=3)).headers[
            "Location"
        ]
        == "/plan/review"
    )
    add("check and agree to a plan", "plans.review", "/plan/review", chooser)
    add("agree without ticking", "plans.review", "/plan/review", chooser, then=press_card_button)
    part = d.client(d.account())
    _posted(part, "/pay/part", {"amount": "50.00"}, "/pay/part/card")
    add("pay part, card", "payments.part_card", "/pay/part/card", part)

    # After paying, agreeing or asking.
    paid = d.account()
    pc = d.client(paid)
    receipt = _posted(pc, "/pay", {"setup_intent": type_card(pc, localstripe, "/pay", CARD_OK)})
    add("receipt", "payments.receipt", receipt, pc)
    add("account, paid", "debtor.overview", "/account", pc)

    agreeing = d.account()
    ac = d.client(agreeing)
    _review, agreed = agree_plan(
        ac, localstripe, frequency="monthly", count=3, first=today + timedelta(days=3)
    )
    assert agreed.status_code == 303, agreed.text[:500]
    add("plan set up", "plans.confirmed", agreed.headers["Location"], ac)
    planned = d.account()
    make_plan(localstripe, planned)
    plc = d.client(planned)
    add("plan", "plans.plan_page", "/plan", plc)
    add("change card", "plans.change_card", "/plan/card", plc)
    add("account with a plan", "debtor.overview", "/account", plc)

    disputing = d.client(d.account())
    _disputed(disputing, details="I paid in March.")
    received = _posted(disputing, "/dispute/check", {}, "/dispute/received")
    add("dispute received", "disputes.received", received, disputing)
    add("account on hold", "debtor.overview", "/account", disputing)
    promise_pages = (
        ("/cant-pay/promise", _date_form("date", today + timedelta(days=7))),
        ("/cant-pay/promise/how-much", {"how_much": "part", "amount": "150.00"}),
    )
    checking = d.client(d.account())
    for path, data in promise_pages:
        _posted(checking, path, data)
    add("promise, check", "cant_pay.promise_check", "/cant-pay/promise/check", checking)
    stale = d.account()
    PROMISE.save(stale, date=(today - timedelta(days=1)).isoformat(), how_much="full", amount=None)
    db.session.commit()
    add(
        "promise, check with a date now past",
        "cant_pay.promise_check",
        "/cant-pay/promise/check",
        d.client(stale),
    )
    promiser = d.client(d.account())
    for path, data in promise_pages:
        _posted(promiser, path, data)
    made = _posted(promiser, "/cant-pay/promise/check", {}, "/cant-pay/promise/done")
    add("promise made", "cant_pay.promise_made", made, promiser)
    call_back_pages = (
        ("/cant-pay/call-back", {"phone": "312 555 0100"}),
        ("/cant-pay/call-back/days", {"days": ["monday", "wednesday"]}),
        ("/cant-pay/call-back/times", {"times": ["evening"]}),
        ("/cant-pay/call-back/what-is-happening", {"explanation": "My hours at work were cut."}),
    )
    asking = d.client(d.account())
    for path, data in call_back_pages:
        _posted(asking, path, data)
    add("call back, check", "cant_pay.callback_check", "/cant-pay/call-back/check", asking)
    caller = d.client(d.account())
    for path, data in call_back_pages:
        _posted(caller, path, data)
    sent = _posted(caller, "/cant-pay/call-back/check", {}, "/cant-pay/call-back/done")
    add("call back asked", "cant_pay.hardship_sent", sent, caller)
    add("call back, signed in", "guidance.call_back", "/help/call-back", caller)
    saver = d.client(d.account())
    saved = _posted(saver, "/contact-preferences/way", {"channel": "email"})
    add("preferences saved", "preferences.saved", saved, saver)

    for decision in (("--accept",), ("--decline", "--reason", "It would take too long."), None):
        offering = d.account()
        oc = d.client(offering)
        start = today + timedelta(days=40)
        _answer_offer(oc, start)
        _posted(oc, "/offer/new/check", {}, "/offer")
        if decision is None:
            add("offer waiting", "own_offer.status", "/offer", oc)
            continue
        offer_id = _latest_offer_id(offering)
        at_ten = datetime.combine(today, time(10), tzinfo=UTC).isoformat()
        result = runner.invoke(args=["decide-offer", str(offer_id), *decision, "--now", at_ten])
        assert result.exit_code == 0, result.output
        if decision[0] == "--accept":
            add("offer accepted, agree", "own_offer.agree", "/offer/agree", oc)
        else:
            add("offer declined", "own_offer.status", "/offer", oc)
    return out


def _to_verify(page: Page) -> None:
    page.locator("main a.button").click()
    page.wait_for_load_state()


def _answer_offer(client, start: date) -> None:
    """Answer the own offer's questions, one page each, up to its check page."""
    _posted(client, "/offer/new", {"amount": "40.00"}, "/offer/new/how-often")
    _posted(client, "/offer/new/how-often", {"frequency": "monthly"}, "/offer/new/first-payment-date")
    _posted(client, "/offer/new/first-payment-date", _date_form("start", start), "/offer/new/note")
    _posted(client, "/offer/new/note", {"note": ""}, "/offer/new/check")


def _offer_date_passed(account) -> None:
    """As if days went by: the saved first payment date is now yesterday."""
    from portal.offers.questions import RUN

    RUN.save(account, start=(utcnow().date() - timedelta(days=1)).isoformat())
    db.session.commit()


def _latest_offer_id(account) -> int:
    from sqlalchemy import select

    from portal.models import Offer

    db.session.expire_all()
    return db.session.scalars(
        select(Offer.id).where(Offer.account_id == account.id).order_by(Offer.id.desc())
    ).first()
