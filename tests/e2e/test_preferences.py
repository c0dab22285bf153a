"""Contact preferences in Chromium, in English and Spanish, with the page check on every page:
the overview of every choice, then one page for each choice changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Debtor, OptOut
from tests.e2e.conftest import check_page
from tests.e2e.journey import confirm_identity, open_link

pytestmark = pytest.mark.e2e

PAGE = "/contact-preferences"


def _held(debtor_id) -> tuple[Debtor, list[str]]:
    db.session.expire_all()
    stopped = db.session.scalars(db.select(OptOut.channel).where(OptOut.debtor_id == debtor_id)).all()
    return db.session.get(Debtor, debtor_id), sorted(stopped)


def _signed_in(page, live_portal, issue_link, account, lang="en"):
    account.debtor.phone = "+1 217 555 0142"
    db.session.commit()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980, lang=lang)
    expect(page.locator("main .details-list")).to_be_visible()
    check_page(page)


def _change(page, question: str) -> None:
    """On the overview, follow the Change link of one choice (its hidden words name the question)."""
    page.get_by_role("link", name=f"Change {question}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    check_page(page)


def _saved(page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact preferences are saved")
    check_page(page)


def test_choosing_how_we_contact_you_in_english(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account()
    page = new_page(viewport)
    _signed_in(page, live_portal, issue_link, account)

    page.get_by_role("contentinfo").get_by_role("link", name="How we contact you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we contact you")
    check_page(page)

    # Stopping texts, then asking for them: the error is summarised and leads to the field.
    _change(page, "Ways you want us to stop using")
    page.get_by_role("checkbox", name="Text messages (SMS)").check()
    _saved(page)
    expect(page.locator("main")).to_contain_text("We will not send you text messages.")
    page.get_by_role("link", name="Change your contact preferences").click()
    _change(page, "What is the best way to contact you?")
    page.get_by_role("radio", name="Text message (SMS)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("You also asked us to stop using “Text message (SMS)”")
    assert page.title().startswith("Error: What is the best way to contact you?")
    check_page(page)
    summary.get_by_role("link").click()
    expect(page.get_by_role("radio", name="Text message (SMS)")).to_be_focused()

    # Back to the overview, let texts be used again and stop phone calls instead.
    page.get_by_role("link", name="Back", exact=True).click()
    _change(page, "Ways you want us to stop using")
    expect(page.get_by_role("checkbox", name="Text messages (SMS)")).to_be_checked()
    page.get_by_role("checkbox", name="Text messages (SMS)").uncheck()
    page.get_by_role("checkbox", name="Phone calls").check()
    _saved(page)
    page.get_by_role("link", name="Change your contact preferences").click()
    _change(page, "What is the best way to contact you?")
    page.get_by_role("radio", name="Text message (SMS)").check()
    _saved(page)
    page.get_by_role("link", name="Change your contact preferences").click()
    _change(page, "When is the best time to contact you? (optional)")
    page.get_by_label("When is the best time to contact you? (optional)").fill("Weekday evenings")
    _saved(page)

    main = page.locator("main")
    expect(main).to_contain_text("When we need to contact you, we will send you a text message first.")
    expect(main).to_contain_text("Weekday evenings")
    expect(main).to_contain_text("We will not call you.")
    debtor, stopped = _held(account.debtor_id)
    assert (debtor.preferred_channel, debtor.preferred_times, stopped) == (
        "sms",
        "Weekday evenings",
        ["phone"],
    )

    # Choosing Spanish turns the pages Spanish.
    page.get_by_role("link", name="Change your contact preferences").click()
    _change(page, "Which language should we use?")
    page.get_by_role("radio", name="Español").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page)
    assert _held(account.debtor_id)[0].language == "es"


def test_choosing_how_we_contact_you_in_spanish(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account(language="es", full_name="María López")
    page = new_page(viewport, locale="en-US")  # the account's language wins over the browser's
    _signed_in(page, live_portal, issue_link, account, lang="es")
    assert page.get_attribute("html", "lang") == "es"

    # Links and fields found by where they go and their values: the new strings are not translated yet.
    page.locator(f"footer a[href='{PAGE}']").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page)
    page.locator(f"main a[href='{PAGE}/language']").click()
    expect(page.locator("input[name=language][value=es]")).to_be_checked()
    check_page(page)

    page.goto(f"{live_portal}{PAGE}/way")
    page.locator("input[name=channel][value=email]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_portal}{PAGE}/saved?choice=channel")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    page.goto(f"{live_portal}{PAGE}/stop")
    page.locator("input[name=stop][value=post]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_portal}{PAGE}/saved?choice=stop")
    debtor, stopped = _held(account.debtor_id)
    assert (debtor.preferred_channel, debtor.language, stopped) == ("email", "es", ["post"])

    # An error page in Spanish passes the same checks.
    page.goto(f"{live_portal}{PAGE}/way")
    page.locator("input[name=channel][value=post]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)

    # And back to English from the language page.
    page.goto(f"{live_portal}{PAGE}/language")
    page.locator("input[name=language][value=en]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact preferences are saved")
    assert page.get_attribute("html", "lang") == "en"
    check_page(page)


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
@pytest.mark.parametrize("path", ["", "/way", "/stop"])
def test_without_signing_in_the_pages_help_instead(live_portal, new_page, app, locale, path):
    page = new_page(locale=locale)
    page.goto(live_portal + PAGE + path)
    assert page.get_attribute("html", "lang") == locale[:2]
    expect(page.locator("main a[href^='tel:']")).to_be_visible()
    check_page(page)
