"""When the debtor disagrees, in Chromium: the validation page, a dispute with a picture of a
receipt, the confirmation and the account under review; in English and in Spanish."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from portal.domain import contact
from portal.extensions import db
from portal.models import Dispute, DisputeStatus
from portal.models.types import utcnow
from tests.e2e.conftest import check_page
from tests.e2e.journey import confirm_identity, open_link
from tests.helpers import documents

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path):
    """The live portal runs this test's app: keep its evidence in the test's own folder."""
    app.instance_path = str(tmp_path / "instance")
    return tmp_path / "instance" / "evidence"


@pytest.fixture
def receipt_png(tmp_path):
    path = tmp_path / "receipt.png"
    path.write_bytes(documents.png())
    return path


def _disputes(account_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Dispute).where(Dispute.account_id == account_id)).all()


def _dispute_by_today() -> str:
    """Today on the creditor's clock (New York) plus the default 35 days, as the page writes it."""
    return format_date(
        contact.local_date(utcnow(), "America/New_York") + timedelta(days=35), "long", locale="en"
    )


def test_reading_the_validation_page_then_disputing_with_a_picture(
    live_portal, new_page, viewport, make_account, issue_link, mailbox, receipt_png, evidence_dir
):
    account = make_account()
    account.original_creditor = "First Example Card Co."
    db.session.commit()
    page = new_page(viewport)
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account with Acme Bank")
    check_page(page)

    page.get_by_role("link", name="About this debt and your rights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About this debt and your rights")
    check_page(page)
    main = page.locator("main")
    for fact in (
        "Example Recovery Services",
        "100 Main Street, Suite 200, Springfield, IL 62701",
        "Acme Bank",
        "First Example Card Co.",
        "ACC-1",
        "$1,000.00",
        "+ $50.25",
        "+ $10.00",
        "$1,060.25",
        f"tell us by {_dispute_by_today()}.",
        "Example license no. 12345 (demo)",
        "for a password or a PIN",
    ):
        expect(main).to_contain_text(fact)
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()

    page.get_by_role("link", name="I don't think I owe this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why do you think you do not owe this?")
    expect(page.locator(".step-indicator")).to_have_text("Step 1 of 5: What is wrong")
    check_page(page)

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Why do you think you do not owe this\?"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select why you think you do not owe this")
    check_page(page)
    summary.get_by_role("link", name="Select why you think you do not owe this").click()
    expect(page.get_by_label("It is not my debt")).to_be_focused()
    page.get_by_label("I have already paid it").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us more (optional)")
    check_page(page)
    expect(page.locator("main")).to_contain_text("Tell us when and how you paid, if you can.")
    page.get_by_label("Tell us more").fill("I paid by cheque on 3 March. The picture shows the receipt.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do you have a document that shows this? (optional)"
    )
    check_page(page)
    page.get_by_label("Do you have a document that shows this? (optional)").set_input_files(str(receipt_png))
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your dispute before you send it")
    check_page(page)
    main = page.locator("main")
    for answer in ("I have already paid it", "I paid by cheque on 3 March.", "receipt.png"):
        expect(main).to_contain_text(answer)
    assert _disputes(account.id) == [], "nothing is sent before the check page"
    page.get_by_role("link", name="Change What you told us").click()
    expect(page.get_by_label("Tell us more")).to_have_value(
        "I paid by cheque on 3 March. The picture shows the receipt."
    )
    page.get_by_label("Tell us more").fill("I paid by cheque on 3 March.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your dispute before you send it")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("We have received your dispute")
    check_page(page)
    (dispute,) = _disputes(account.id)
    expect(page.locator("main")).to_contain_text(f"Your dispute reference is {dispute.reference}.")
    expect(page.locator("main")).to_contain_text("We will also look at the document you sent.")
    assert re.fullmatch(r"D-[A-HJKMNP-Z2-9]{6}", dispute.reference)
    assert dispute.status is DisputeStatus.OPEN and dispute.evidence_type == "image/png"
    assert dispute.details == "I paid by cheque on 3 March."
    assert (evidence_dir / dispute.evidence_file).read_bytes() == documents.png()
    assert dispute.account.on_hold is True
    assert mailbox.wait_for(1)[0]["Subject"] == f"We have received your dispute {dispute.reference}"

    page.get_by_role("link", name="Go to your account").click()
    expect(page.get_by_role("heading", name="Your dispute is under review")).to_be_visible()
    check_page(page)
    expect(page.get_by_role("link", name="Pay in full (your choice, not required)")).to_be_visible()
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)
    expect(page.get_by_role("link", name="I don't think I owe this")).to_have_count(0)


def test_the_language_switch_on_the_validation_page_and_the_form(
    live_portal, new_page, make_account, issue_link
):
    account = make_account()
    page = new_page()
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980)
    for path in ("/about-this-debt", "/dispute", "/dispute/document"):
        page.goto(live_portal + path)
        check_page(page)
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
        assert page.get_attribute("html", "lang") == "es"
        assert page.url == live_portal + path
        check_page(page)
        page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
        assert page.get_attribute("html", "lang") == "en"


def test_the_same_journey_for_a_spanish_speaker(
    live_portal, new_page, viewport, make_account, issue_link, mailbox, receipt_png, evidence_dir
):
    account = make_account(language="es", full_name="María López")
    page = new_page(viewport, locale="es-ES")
    open_link(page, live_portal + issue_link(account))
    confirm_identity(page, 27, 3, 1980, lang="es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Su cuenta con Acme Bank")
    check_page(page)

    # Our new words are not translated yet, so the pages are reached by address, not by name.
    page.goto(live_portal + "/about-this-debt")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    expect(page.locator("main")).to_contain_text("$1,060.25")

    page.goto(live_portal + "/dispute")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)
    page.locator("#reason-2").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_portal + "/dispute/details")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    page.locator("#details").fill("Los intereses no son correctos.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_portal + "/dispute/document")
    check_page(page)
    page.locator("#evidence").set_input_files(str(receipt_png))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_portal + "/dispute/check")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    page.locator("#send").click()

    page.wait_for_url(live_portal + "/dispute/received")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    (dispute,) = _disputes(account.id)
    expect(page.locator("main")).to_contain_text(dispute.reference)
    assert dispute.reason.value == "wrong_amount" and dispute.details == "Los intereses no son correctos."
    assert (evidence_dir / dispute.evidence_file).read_bytes() == documents.png()
    assert mailbox.wait_for(1)[0]["Subject"].endswith(dispute.reference)

    page.goto(live_portal + "/account")
    assert page.get_attribute("html", "lang") == "es"
    check_page(page)
    expect(page.locator("main")).to_contain_text(dispute.reference)
    expect(page.locator("main a[href='/pay']")).to_be_visible()
    expect(page.locator("main a[href='/options']")).to_have_count(0)
