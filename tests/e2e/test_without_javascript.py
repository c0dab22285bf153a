"""The debtor's journeys in Chromium with JavaScript turned off. Every page passes check_page, and a
page that needs JavaScript (the card fields, drawn by Stripe.js) says so and gives a phone number.
Only typing the card happens in a JavaScript context with the same cookies; the pages that follow
are then used with JavaScript off again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal import clock
from portal.accounts import policies
from portal.extensions import db
from portal.models import Debtor, Dispute, OptOut, Payment, Plan, PlanStatus, RequestKind, SupportRequest
from tests.e2e.conftest import DESKTOP, check_page
from tests.e2e.journey import CARD_OK, enter_card, expect_receipt
from tests.helpers import documents

pytestmark = pytest.mark.e2e

PHONE_LINK = "a[href^='tel:']"

# axe runs on the JavaScript-off page itself: Playwright's evaluate still works there, and so do
# promises, but timers never fire while page scripts are off, so axe.run would wait forever. Its
# timers are made microtasks first (page scripts do not run, so nothing else sees the change).
TIMERS_AS_MICROTASKS = """() => {
  const soon = (fn, ...args) => { Promise.resolve().then(() => fn(...args)); return 1; };
  window.setTimeout = (fn, ms, ...args) => soon(fn, ...args);
  window.requestAnimationFrame = fn => soon(fn, performance.now());
  window.requestIdleCallback = fn => soon(fn, {didTimeout: false, timeRemaining: () => 50});
}"""


@pytest.fixture
def contexts(browser):
    """Open browser contexts, with JavaScript off unless asked; all closed at the end."""
    opened = []

    def open_context(javascript: bool = False, storage_state=None):
        context = browser.new_context(
            java_script_enabled=javascript, viewport=DESKTOP, locale="en-US", storage_state=storage_state
        )
        context.set_default_timeout(15000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def evidence_dir(app, tmp_path):
    """The live portal runs this test's app: keep its evidence in the test's own folder."""
    app.instance_path = str(tmp_path / "instance")
    return tmp_path / "instance" / "evidence"


class NoJs:
    """A page in a JavaScript-off context, checked on every page it reaches.

    A page that does not work well without JavaScript (no explanation next to the card fields, a
    control meant to appear only with a script shown anyway) is noted and the journey goes on, so
    one run reports every such page; the test fails at its end if any were noted.
    """

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []

    def at(self, heading) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.page.evaluate(TIMERS_AS_MICROTASKS)
        check_page(self.page)
        self._nothing_hidden_is_shown()
        if self.page.locator("main #card-element").count():
            self._explains_card_step()

    def _explains_card_step(self) -> None:
        """The card fields need Stripe.js: with it off there are no fields, so the page must say
        why and how else to pay, with a phone number to call."""
        page = self.page
        assert page.locator("#card-element input").count() == 0, "Stripe.js ran with JavaScript off"
        notice = page.locator("main noscript")
        text = " ".join(notice.first.evaluate("e => e.textContent").split()) if notice.count() else ""
        if "JavaScript" not in text or not notice.first.locator("p").first.is_visible():
            self.problems.append(f"{page.url}: no <noscript> message about JavaScript by the card fields")
        elif not notice.first.locator(PHONE_LINK).count():
            self.problems.append(f"{page.url}: the <noscript> message gives no phone number: {text!r}")

    def _nothing_hidden_is_shown(self) -> None:
        """What a script would reveal (the card form's button, "Print") stays out of the way."""
        for element in self.page.locator("[hidden]:visible").all():
            html = element.evaluate("e => e.outerHTML")[:160]
            self.problems.append(f"{self.page.url}: shown although it has the hidden attribute: {html}")

    def done(self) -> None:
        problems = list(dict.fromkeys(self.problems))  # a page visited twice is reported once
        assert not problems, "pages that do not work well without JavaScript:\n" + "\n".join(problems)


def _date(page: Page, group: str, day) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def _signed_in(nojs: NoJs, url: str) -> None:
    """Link, start page, the identity check (first empty, then right) and the overview."""
    page = nojs.page
    page.goto(url)
    assert "/l/" not in page.url
    nojs.at("A message about an account in your name")
    page.get_by_role("link", name="Continue").click()
    nojs.at("What is your date of birth?")
    page.get_by_role("button", name="Continue").click()
    nojs.at("What is your date of birth?")
    assert page.title().startswith("Error:")
    # Without the script the summary's link is a plain link to the field, and still gets there.
    page.get_by_role("alert").get_by_role("link", name="Enter your date of birth").click()
    assert page.url.endswith("#dob-month")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    page.get_by_role("button", name="Continue").click()
    nojs.at("Your account with Acme Bank")
    expect(page.locator("main")).to_contain_text("You owe")


def _type_card_with_javascript(contexts, nojs: NoJs, url: str) -> Page:
    """Stripe.js is the only way to enter a card: the same cookies in a JavaScript context."""
    page = contexts(javascript=True, storage_state=nojs.page.context.storage_state()).new_page()
    page.goto(url)
    expect(page.locator("#card-element input").first).to_be_visible()
    return page


def test_an_instalment_plan_without_javascript(live_portal, contexts, make_account, issue_link):
    """Identity, overview, options and the plan builder (its error page, then a good plan) to the
    review page, all without JavaScript; the card is typed with it; the confirmation, the plan
    page and paying the next instalment with the saved card then work without it again."""
    account = make_account(principal=30000, interest=0, fees=0)
    policies.change(account.creditor, {"instalments": True, "frequencies": ["monthly"]})
    db.session.commit()
    nojs = NoJs(contexts().new_page())
    page = nojs.page
    _signed_in(nojs, live_portal + issue_link(account))

    page.get_by_role("link", name="See other ways to pay").click()
    nojs.at("Choose how to pay")
    page.get_by_text("What is an installment plan?").click()  # <details> opens without scripts
    expect(page.get_by_text("You choose how often and how much.")).to_be_visible()
    page.get_by_role("link", name="Pay in installments").click()
    nojs.at("How often do you want to pay?")
    page.get_by_role("button", name="Continue").click()
    nojs.at("How often do you want to pay?")
    expect(page.get_by_role("alert")).to_contain_text("Choose how often you want to pay")
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()
    nojs.at("How do you want to set the payments?")
    # Both ways of setting the payments are on the page from the start: nothing is revealed by a script.
    expect(page.get_by_role("textbox", name="Number of payments", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Amount of each payment")).to_be_visible()
    page.get_by_role("radio", name="Choose the number of payments").check()
    page.get_by_role("textbox", name="Number of payments", exact=True).fill("3")
    page.get_by_role("button", name="Continue").click()
    nojs.at("When do you want to make the first payment?")
    _date(page, "When do you want to make the first payment?", clock.today())
    page.get_by_role("button", name="Continue").click()

    nojs.at("Check your payment plan")
    expect(page.locator("main .check-answers")).to_contain_text("Every month")
    expect(page.get_by_role("table", name="Your payments").get_by_role("row")).to_have_count(4)

    card_page = _type_card_with_javascript(contexts, nojs, live_portal + "/plan/review")
    card = card_page.locator("#card-element")
    for field, value in (("number", CARD_OK), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
        card.locator(f"input[placeholder={field}]").fill(value)
    card_page.get_by_role("checkbox").check()
    card_page.get_by_role("button", name="Agree and set up the plan").click()
    expect(card_page.get_by_role("heading", level=1)).to_have_text("Your payment plan is set up")

    page.goto(live_portal + "/plan/confirmed")
    nojs.at("Your payment plan is set up")
    page.get_by_role("link", name="See or print your plan").click()
    nojs.at("Your payment plan")
    expect(page.get_by_text("1 of 3 payments")).to_be_visible()

    page.get_by_role("link", name="Change the card").click()
    nojs.at("Change the card for your plan")
    page.get_by_role("link", name="Back to your plan").click()
    nojs.at("Your payment plan")
    page.get_by_role("button", name="Pay the next payment now ($100.00)").click()
    nojs.at("Payment received")
    expect(page.get_by_text("You paid $100.00.")).to_be_visible()
    page.get_by_role("link", name="Go to your account").click()
    nojs.at("Your account with Acme Bank")
    expect(page.get_by_text("You have made 2 of 3 payments.")).to_be_visible()

    db.session.expire_all()
    (plan,) = db.session.scalars(db.select(Plan).where(Plan.account_id == account.id)).all()
    assert plan.status is PlanStatus.ACTIVE and plan.card_last4 == "4242"
    nojs.done()


def test_paying_in_full_without_javascript(live_portal, contexts, make_account, issue_link):
    """The pay page says, without JavaScript, that the card needs it and how to pay by phone; after
    paying in a JavaScript context, the receipt and the paid overview work without it."""
    account = make_account()
    nojs = NoJs(contexts().new_page())
    page = nojs.page
    _signed_in(nojs, live_portal + issue_link(account))

    page.get_by_role("link", name="Pay in full").click()
    nojs.at("Pay $1,060.25 by card")
    expect(page.locator("main noscript p").first).to_contain_text("JavaScript must be turned on")

    card_page = _type_card_with_javascript(contexts, nojs, live_portal + "/pay")
    enter_card(card_page, CARD_OK)
    expect_receipt(card_page)
    receipt = card_page.url

    page.goto(receipt)
    nojs.at("Payment received")
    expect(page.get_by_text("You paid $1,060.25.")).to_be_visible()
    page.get_by_role("link", name="Go to your account").click()
    nojs.at("Your account with Acme Bank")
    expect(page.get_by_role("heading", name="This account is paid")).to_be_visible()
    db.session.expire_all()
    assert len(db.session.scalars(db.select(Payment).where(Payment.account_id == account.id)).all()) == 1
    nojs.done()


def test_a_dispute_with_a_document_without_javascript(
    live_portal, contexts, make_account, issue_link, evidence_dir, tmp_path
):
    """The dispute's first page with an error, then a reason, details and a PNG uploaded as a
    plain multipart form; removed and added again from the check page; sent, to the received
    page and the account under review."""
    account = make_account()
    nojs = NoJs(contexts().new_page())
    page = nojs.page
    _signed_in(nojs, live_portal + issue_link(account))
    document = "Do you have a document that shows this? (optional)"

    page.get_by_role("link", name="I don't think I owe this").click()
    nojs.at("Why do you think you do not owe this?")
    page.get_by_role("button", name="Continue").click()
    nojs.at("Why do you think you do not owe this?")
    expect(page.get_by_role("alert")).to_contain_text("Select why you think you do not owe this")
    page.get_by_label("I have already paid it").check()
    page.get_by_role("button", name="Continue").click()

    nojs.at("Tell us more (optional)")
    page.get_by_label("Tell us more").fill("I paid by cheque on 3 March.")
    page.get_by_role("button", name="Continue").click()

    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(documents.png())
    nojs.at(document)
    page.get_by_label(document).set_input_files(str(receipt))
    page.get_by_role("button", name="Continue", exact=True).click()

    nojs.at("Check your dispute before you send it")
    expect(page.locator("main")).to_contain_text("receipt.png")
    page.get_by_role("link", name="Change Document").click()
    nojs.at(document)
    expect(page.locator("main")).to_contain_text("You added: receipt.png")
    page.get_by_role("button", name="Remove this document").click()
    nojs.at(document)
    expect(page.locator("main")).not_to_contain_text("You added")
    assert list(evidence_dir.iterdir()) == [], "the removed document is deleted"
    page.get_by_label(document).set_input_files(str(receipt))
    page.get_by_role("button", name="Continue", exact=True).click()
    nojs.at("Check your dispute before you send it")
    page.get_by_role("button", name="Send").click()

    nojs.at("We have received your dispute")
    expect(page.locator("main")).to_contain_text("We will also look at the document you sent.")
    page.get_by_role("link", name="Go to your account").click()
    nojs.at("Your account with Acme Bank")
    expect(page.get_by_role("heading", name="Your dispute is under review")).to_be_visible()

    db.session.expire_all()
    (dispute,) = db.session.scalars(db.select(Dispute).where(Dispute.account_id == account.id)).all()
    assert dispute.evidence_type == "image/png"
    assert (evidence_dir / dispute.evidence_file).read_bytes() == documents.png()
    nojs.done()


def test_a_promise_to_pay_and_contact_preferences_without_javascript(
    live_portal, contexts, make_account, issue_link
):
    """From "I can't pay right now" to a promise (its error page first) and its confirmation, then
    the footer's contact preferences saved, all as plain links and forms."""
    account = make_account()
    nojs = NoJs(contexts().new_page())
    page = nojs.page
    _signed_in(nojs, live_portal + issue_link(account))

    page.get_by_role("link", name="I can't pay right now").click()
    nojs.at("If you cannot pay right now")
    page.get_by_role("link", name="Tell us when you can pay").click()
    nojs.at("When will you pay?")
    page.get_by_role("button", name="Continue").click()
    nojs.at("When will you pay?")
    assert page.title().startswith("Error:")
    day = clock.today() + timedelta(days=10)
    _date(page, "When will you pay?", day)
    page.get_by_role("button", name="Continue").click()
    nojs.at("How much will you pay on that day?")
    page.get_by_role("radio", name=re.compile(r"^The full amount")).check()
    page.get_by_role("button", name="Continue").click()
    nojs.at("Check your promise before sending it")
    page.get_by_role("button", name="Send").click()
    nojs.at("Thank you for telling us")
    expect(page.get_by_text("You said you will pay the full amount, $1,060.25, on")).to_be_visible()

    page.get_by_role("contentinfo").get_by_role("link", name="How we contact you").click()
    nojs.at("How we contact you")
    # Each choice on its own page, from the overview's Change links.
    page.get_by_role("link", name="Change What is the best way to contact you?").click()
    nojs.at("What is the best way to contact you?")
    page.get_by_role("radio", name="Email").check()
    page.get_by_role("button", name="Save", exact=True).click()
    nojs.at("Your contact preferences are saved")
    page.get_by_role("link", name="Change your contact preferences").click()
    times = "When is the best time to contact you? (optional)"
    page.get_by_role("link", name=f"Change {times}").click()
    nojs.at(times)
    page.get_by_label(times).fill("Weekday mornings")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Change your contact preferences").click()
    page.get_by_role("link", name="Change Ways you want us to stop using").click()
    nojs.at("Ways you want us to stop using")
    page.get_by_role("checkbox", name="Letters by mail").check()
    page.get_by_role("button", name="Save", exact=True).click()
    nojs.at("Your contact preferences are saved")
    expect(page.locator("main")).to_contain_text("We will not mail you letters.")

    db.session.expire_all()
    (promise,) = db.session.scalars(
        db.select(SupportRequest).where(SupportRequest.account_id == account.id)
    ).all()
    assert promise.kind is RequestKind.PROMISE and promise.promise_date == day
    debtor = db.session.get(Debtor, account.debtor_id)
    stopped = db.session.scalars(db.select(OptOut.channel).where(OptOut.debtor_id == debtor.id)).all()
    assert (debtor.preferred_channel, debtor.preferred_times) == ("email", "Weekday mornings")
    assert stopped == ["post"]
    nojs.done()
