"""When the debtor cannot pay what the policy allows, in Chromium with axe on every page: their
own offer accepted by a collector and agreed with a card, the affordability check leading to a
plan, a promise to pay, a hardship call-back, and the same pages for a Spanish-speaking account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Event, Offer, OfferStatus, Plan, PlanStatus, RequestKind, SupportRequest
from tests.e2e.conftest import PHONE, check_page
from tests.e2e.journey import CARD_OK, confirm_identity, open_link

pytestmark = pytest.mark.e2e


def _fill_card(page, number=CARD_OK):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("60614")


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    check_page(page)


def _date(page, group_name, day):
    group = page.get_by_role("group", name=group_name)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _signed_in(page, live_portal, issue_link, account, lang="en"):
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980, lang=lang)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme Bank")
    check_page(page)


def _noon_in_new_york() -> str:
    """Inside contact hours for the test creditor (New York) today."""
    return datetime.combine(clock.today(), time(17, 0), tzinfo=UTC).isoformat()


def _rows(model, account_id):
    db.session.expire_all()
    return db.session.scalars(db.select(model).where(model.account_id == account_id)).all()


def test_an_own_offer_accepted_by_the_collector_is_agreed_into_a_plan(
    live_portal, app, new_page, make_account, issue_link, mailbox
):
    # Desktop only, as for the plan journeys: the shared schedule table is 2px too wide at 320px
    # when a long month name ("September") is in it (plans/review.html has the same table).
    account = make_account()
    page = new_page()
    _signed_in(page, live_portal, issue_link, account)
    page.get_by_role("link", name="See other ways to pay").click()
    _heading(page, "Choose how to pay")
    page.get_by_role("link", name="Propose your own plan").click()
    _heading(page, "How much can you pay each time?")

    page.get_by_role("button", name="Continue").click()
    _heading(page, "How much can you pay each time?")
    assert page.title().startswith("Error:")
    expect(page.get_by_role("alert")).to_contain_text("Enter an amount")

    # One question a page, then every answer to check before sending.
    start = clock.today() + timedelta(days=45)
    page.get_by_label("How much can you pay each time?").fill("40.00")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "How often can you pay?")
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "When could you make the first payment?")
    _date(page, "When could you make the first payment?", start)
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Anything you want us to know (optional)")
    page.get_by_label("Anything you want us to know (optional)").fill("I am paid on the 1st.")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check your offer before you send it")
    expect(page.get_by_text("I am paid on the 1st.")).to_be_visible()
    page.get_by_role("link", name="Change How often").click()
    _heading(page, "How often can you pay?")
    expect(page.get_by_role("radio", name="Every month")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check your offer before you send it")
    page.get_by_role("button", name="Send my offer").click()
    _heading(page, "We have your offer")
    expect(page.get_by_text("within 2 business days")).to_be_visible()

    (offer,) = _rows(Offer, account.id)
    listed = app.test_cli_runner().invoke(args=["offers"])
    assert f"Offer {offer.id}: acme/ACC-1" in listed.output and "I am paid on the 1st." in listed.output
    decided = app.test_cli_runner().invoke(
        args=["decide-offer", str(offer.id), "--accept", "--now", _noon_in_new_york()]
    )
    assert decided.exit_code == 0, decided.output
    mail = next(m for m in mailbox.wait_for(1) if m["Subject"] == "We have accepted your offer")
    assert re.search(r"http://\S+/l/\S+", mail.get_body(preferencelist=("plain",)).get_content())

    page.goto(live_portal + "/account")
    expect(page.get_by_role("heading", name="Your offer was accepted")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="See the plan and agree to it").click()
    _heading(page, "Your offer was accepted")
    expect(page.locator("#card-element input").first).to_be_visible()
    expect(page.get_by_role("table", name="Your payments").get_by_role("row")).to_have_count(28)
    check_page(page)
    _fill_card(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Agree and set up the plan").click()
    _heading(page, "Your payment plan is set up")

    (plan,) = _rows(Plan, account.id)
    assert plan.status is PlanStatus.ACTIVE and plan.total == 106025 and len(plan.instalments) == 27
    assert plan.instalments[0].due_date == start
    assert _rows(Offer, account.id)[0].status is OfferStatus.AGREED


def test_the_affordability_check_leads_to_a_plan_that_fits(live_portal, new_page, make_account, issue_link):
    account = make_account()
    page = new_page()
    _signed_in(page, live_portal, issue_link, account)
    page.get_by_role("link", name="Check what I can afford").click()
    _heading(page, "Check what you can afford")

    page.get_by_label("How much money comes in each month, after taxes?").fill("2100.00")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "What you spend each month")
    page.get_by_label("Housing").fill("900.00")
    page.get_by_label("Bills").fill("250.00")
    page.get_by_label("Food and household").fill("400.00")
    page.get_by_label("Other debts").fill("90.00")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "How often could you pay?")
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "When could you start paying?")
    first = clock.today() + timedelta(days=7)
    _date(page, "When could you start paying?", first)
    page.get_by_role("button", name="See what fits").click()

    _heading(page, "What you have left each month")
    expect(page.locator("main")).to_contain_text("$460.00")
    expect(page.get_by_text("3 payments of $353.41 every month")).to_be_visible()
    page.get_by_role("button", name="Choose this plan").click()
    _heading(page, "Do you want to share your numbers with us?")
    page.get_by_role("radio", name="No, keep them private").check()
    page.get_by_role("button", name="Continue").click()

    _heading(page, "Check your payment plan")
    expect(page.get_by_role("table", name="Your payments").get_by_role("row")).to_have_count(4)
    expect(page.locator("#card-element input").first).to_be_visible()
    _fill_card(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Agree and set up the plan").click()
    _heading(page, "Your payment plan is set up")

    (plan,) = _rows(Plan, account.id)
    assert [i.amount for i in plan.instalments] == [35341, 35341, 35343]
    kinds = db.session.scalars(db.select(Event.kind).where(Event.account_id == account.id)).all()
    assert not any(kind.startswith("affordability") for kind in kinds)


def test_a_promise_to_pay(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account()
    page = new_page(viewport)
    _signed_in(page, live_portal, issue_link, account)
    page.get_by_role("link", name="I can't pay right now").click()
    _heading(page, "If you cannot pay right now")
    page.get_by_role("link", name="Tell us when you can pay").click()
    _heading(page, "When will you pay?")

    day = clock.today() + timedelta(days=12)
    _date(page, "When will you pay?", day)
    page.get_by_role("button", name="Continue").click()
    _heading(page, "How much will you pay on that day?")
    page.get_by_role("radio", name="Part of it, as a first payment").check()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "How much will you pay on that day?")
    expect(page.get_by_role("alert")).to_contain_text("Enter an amount")
    page.get_by_label("How much will you pay?").fill("200.00")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check your promise before sending it")
    expect(page.locator("main")).to_contain_text("$200.00")
    page.get_by_role("button", name="Send").click()

    _heading(page, "Thank you for telling us")
    expect(page.get_by_text("You said you will pay $200.00 on")).to_be_visible()
    page.get_by_role("link", name="Go to your account").click()
    expect(page.get_by_text("You told us you will pay on")).to_be_visible()
    check_page(page)
    (promise,) = _rows(SupportRequest, account.id)
    assert (
        promise.kind is RequestKind.PROMISE
        and promise.promise_amount == 20000
        and promise.promise_date == day
    )


def test_a_hardship_call_back(live_portal, app, new_page, make_account, issue_link):
    account = make_account()
    page = new_page(PHONE)
    _signed_in(page, live_portal, issue_link, account)
    page.get_by_role("link", name="I can't pay right now").click()
    _heading(page, "If you cannot pay right now")
    page.get_by_role("main").get_by_role("link", name="Ask us to call you back").click()
    _heading(page, "What number should we call?")

    page.get_by_role("button", name="Continue").click()
    _heading(page, "What number should we call?")
    assert page.title().startswith("Error:")
    expect(page.get_by_role("link", name="Enter a phone number where we can call you")).to_have_attribute(
        "href", "#phone"
    )

    page.get_by_label("What number should we call?").fill("312 555 0100")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Which days work best for you? (optional)")
    page.get_by_role("checkbox", name="Wednesday").check()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "What time of day works best for you? (optional)")
    page.get_by_role("button", name="Continue").click()  # none ticked: any time
    _heading(page, "Tell us briefly what is happening (optional)")
    page.get_by_label("Tell us briefly what is happening (optional)").fill("My hours at work were cut.")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check your callback request before sending it")
    expect(page.locator("main")).to_contain_text("Any time we are open")
    page.get_by_role("link", name="Change Time of day").click()
    _heading(page, "What time of day works best for you? (optional)")
    page.get_by_role("checkbox", name="Morning").check()
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check your callback request before sending it")
    expect(page.locator("main")).to_contain_text("Morning")
    page.get_by_role("button", name="Ask for a callback").click()

    _heading(page, "We will call you back")
    expect(page.get_by_role("heading", name="Free help with debt")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("National Foundation for Credit Counseling"))
    ).to_be_visible()
    (asked,) = _rows(SupportRequest, account.id)
    assert (
        asked.kind is RequestKind.HARDSHIP
        and asked.call_days == "wednesday"
        and asked.call_times == "morning"
    )
    listed = app.test_cli_runner().invoke(args=["requests"]).output
    assert f"Call back {asked.id}: acme/ACC-1 (Jane Doe) on 312 555 0100, wednesday, morning" in listed


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").first.click()


def _spanish(page):
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_the_same_pages_for_a_spanish_speaking_account(
    live_portal, app, new_page, viewport, make_account, issue_link
):
    account = make_account(language="es", full_name="María López")
    page = new_page(viewport) if viewport else new_page()
    _signed_in(page, live_portal, issue_link, account, lang="es")
    _spanish(page)

    for path in ("/cant-pay", "/cant-pay/promise", "/cant-pay/call-back", "/offer/new", "/afford"):
        page.goto(live_portal + path)
        _spanish(page)

    # The affordability check, through to sharing, by field ids.
    page.locator("#income").fill("2100.00")
    _submit(page)
    page.wait_for_url(re.compile(r"/afford/outgoings$"))
    _spanish(page)
    page.locator("#housing").fill("2000.00")
    _submit(page)
    page.wait_for_url(re.compile(r"/afford/how-to-pay$"))
    _spanish(page)
    _submit(page)  # nothing chosen: the error page in Spanish
    _spanish(page)
    page.locator("#frequency-0").check()
    _submit(page)
    page.wait_for_url(re.compile(r"/afford/first-payment$"))
    _spanish(page)
    _submit(page)  # no date: the error page in Spanish
    _spanish(page)
    today = clock.today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"#start-{part}").fill(str(value))
    _submit(page)
    page.wait_for_url(re.compile(r"/afford/result$"))
    _spanish(page)
    page.locator("button[name=next][value=offer]").click()
    page.wait_for_url(re.compile(r"/afford/share$"))
    _spanish(page)
    page.locator("#share-0").check()
    _submit(page)

    # The offer's pages, started from the check, then the offer waiting for a person.
    page.wait_for_url(re.compile(r"/offer/new$"))
    _spanish(page)
    expect(page.locator("#amount")).to_have_value("23.07")  # 100.00 a month, weekly
    page.locator("#amount").fill("30.00")
    _submit(page)
    page.wait_for_url(re.compile(r"/offer/new/note$"))  # how often and when came from the check
    _spanish(page)
    _submit(page)
    page.wait_for_url(re.compile(r"/offer/new/check$"))
    _spanish(page)
    _submit(page)
    page.wait_for_url(re.compile(r"/offer$"))
    _spanish(page)
    (offer,) = _rows(Offer, account.id)
    assert offer.affordability["left"] == 10000
    result = app.test_cli_runner().invoke(
        args=[
            "decide-offer",
            str(offer.id),
            "--counter",
            "--amount",
            "50.00",
            "--frequency",
            "monthly",
            "--start",
            (today + timedelta(days=3)).isoformat(),
            "--reason",
            "Un poco más cada mes, por favor.",
            "--now",
            _noon_in_new_york(),
        ]
    )
    assert result.exit_code == 0, result.output
    page.goto(live_portal + "/account")
    _spanish(page)
    page.goto(live_portal + "/offer/agree")
    expect(page.locator("#card-element input").first).to_be_visible()
    _spanish(page)

    # A promise and a call-back, a question a page, submitted by field ids, and their confirmations.
    page.goto(live_portal + "/cant-pay/call-back")
    page.locator("#phone").fill("312 555 0100")
    for path in ("days", "times", "what-is-happening", "check", "done"):
        _submit(page)
        page.wait_for_url(re.compile(rf"/cant-pay/call-back/{path}$"))
        _spanish(page)
    page.goto(live_portal + "/cant-pay/promise")
    day = today + timedelta(days=2)
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        page.locator(f"#date-{part}").fill(str(value))
    _submit(page)
    page.wait_for_url(re.compile(r"/cant-pay/promise/how-much$"))
    _spanish(page)
    page.locator("#how_much-0").check()
    for path in ("check", "done"):
        _submit(page)
        page.wait_for_url(re.compile(rf"/cant-pay/promise/{path}$"))
        _spanish(page)
