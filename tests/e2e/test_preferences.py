"""Contact preferences in Chromium, in English and Spanish, with the page check on every page."""

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


def test_choosing_how_we_contact_you_in_english(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account()
    page = new_page(viewport)
    _signed_in(page, live_portal, issue_link, account)

    page.get_by_role("contentinfo").get_by_role("link", name="How we contact you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we contact you")
    check_page(page)

    # Asking for texts while stopping them: the error is summarised and leads to the field.
    page.get_by_role("radio", name="Text message (SMS)").check()
    page.get_by_role("checkbox", name="Text messages (SMS)").check()
    page.get_by_role("button", name="Save my preferences").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("You also asked us to stop using “Text message (SMS)”")
    assert page.title().startswith("Error: How we contact you")
    check_page(page)
    summary.get_by_role("link").click()
    expect(page.get_by_role("radio", name="Text message (SMS)")).to_be_focused()

    page.get_by_role("checkbox", name="Text messages (SMS)").uncheck()
    page.get_by_role("checkbox", name="Phone calls").check()
    page.get_by_label("When is the best time to contact you? (optional)").fill("Weekday evenings")
    page.get_by_role("button", name="Save my preferences").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact preferences are saved")
    check_page(page)
    main = page.locator("main")
    expect(main).to_contain_text("When we need to contact you, we will send you a text message first.")
    expect(main).to_contain_text("We will not phone you.")
    debtor, stopped = _held(account.debtor_id)
    assert (debtor.preferred_channel, debtor.preferred_times, stopped) == (
        "sms",
        "Weekday evenings",
        ["phone"],
    )

    # Choosing Spanish on the form turns the pages Spanish.
    page.get_by_role("link", name="Change your contact preferences").click()
    check_page(page)
    page.get_by_role("radio", name="Español").check()
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page)
    assert _held(account.debtor_id)[0].language == "es"


def test_choosing_how_we_contact_you_in_spanish(live_portal, new_page, viewport, make_account, issue_link):
    account = make_account(language="es", full_name="María López")
    page = new_page(viewport, locale="en-US")  # the account's language wins over the browser's
    _signed_in(page, live_portal, issue_link, account, lang="es")
    assert page.get_attribute("html", "lang") == "es"

    # The footer link, found by where it goes: the new strings are not translated yet.
    page.locator(f"footer a[href='{PAGE}']").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("input[name=language][value=es]")).to_be_checked()
    check_page(page)

    page.locator("input[name=channel][value=email]").check()
    page.locator("input[name=stop][value=post]").check()
    page.locator(f"form[action='{PAGE}'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_portal}{PAGE}/saved")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    debtor, stopped = _held(account.debtor_id)
    assert (debtor.preferred_channel, debtor.language, stopped) == ("email", "es", ["post"])

    # An error page in Spanish passes the same checks.
    page.goto(live_portal + PAGE)
    page.locator("input[name=channel][value=post]").check()
    page.locator(f"form[action='{PAGE}'] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)

    # And back to English from the form.
    page.locator("input[name=stop][value=post]").uncheck()
    page.locator("input[name=language][value=en]").check()
    page.locator(f"form[action='{PAGE}'] button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contact preferences are saved")
    assert page.get_attribute("html", "lang") == "en"
    check_page(page)


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_without_signing_in_the_page_helps_instead(live_portal, new_page, app, locale):
    page = new_page(locale=locale)
    page.goto(live_portal + PAGE)
    assert page.get_attribute("html", "lang") == locale[:2]
    expect(page.locator("main a[href^='tel:']")).to_be_visible()
    check_page(page)
