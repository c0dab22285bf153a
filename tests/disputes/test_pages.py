"""The validation information page and the dispute form, through the test client."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.links import service as links
from portal.models import Dispute, DisputeStatus, MagicLink, Payment
from tests.disputes import files
from tests.disputes.conftest import text, upload
from tests.notify.conftest import check_page, events


def _first_link_at(account, moment: datetime) -> None:
    """Issue a link and date it *moment*, as if it had been sent then."""
    link = links.issue(account)
    db.session.flush()
    link.created_at = moment
    db.session.commit()


@pytest.fixture
def itemised(make_account):
    account = make_account(reference="ACC-77")
    account.original_creditor = "First Example Card Co."
    account.itemization_date = date(2026, 6, 30)
    account.forgiven = 2500
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_1", amount=10000, currency="USD")
    )
    db.session.commit()
    return account


# --- The validation information page --------------------------------------------------------


def test_the_validation_page_has_every_regulation_f_item(itemised, sign_in, app):
    _first_link_at(itemised, datetime(2026, 1, 10, 15, 0, tzinfo=UTC))  # 10 a.m. in New York
    client = sign_in(itemised)

    response = client.get("/about-this-debt")

    assert response.status_code == 200
    page = text(response)
    assert check_page(page) == "About this debt and your rights"
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    for expected in (
        "Example Recovery Services is a debt collector.",
        "Debt collector Example Recovery Services",
        "Our mailing address 100 Main Street, Suite 200, Springfield, IL 62701",
        "Creditor (who you owe now) Acme Bank",
        "Original creditor First Example Card Co.",
        "Account reference ACC-77",
        "This is the itemization date",
        "What you owed on June 30, 2026 $1,000.00",
        "Interest added since then + $50.25",
        "Fees added since then + $10.00",
        "Payments you made since then − $100.00",
        "Credits since then (amounts taken off by the creditor) − $25.00",
        "What you owe now $935.25",
        "tell us by February 14, 2026.",  # 10 January + 35 days
        "Ask us by February 14, 2026 by phone, email or post",
        "we must stop collecting the debt until we send you the original creditor's name and address",
        "Is this message really from us?",
        "Our licence Example licence no. 12345 (demo)",
        "Our phone number 1-800-555-0100",
        "for your full card number by email, text message or phone call",
        "for a password or a PIN",
        "to pay with gift cards",
        "help@example.com",
    ):
        assert expected in body, expected
    assert 'href="/dispute"' in page and "I don't think I owe this" in page
    assert 'href="https://www.cfpb.gov/debt-collection"' in page
    assert 'class="no-print"><button type="button" class="button button--secondary" id="print-button"' in page
    assert events(itemised, "validation_viewed")


def test_the_dispute_by_date_counts_from_the_first_link_on_the_debtors_calendar(make_account, sign_in, app):
    account = make_account()
    # 03:00 UTC on the 10th is still the 9th in New York, the creditor's zone.
    _first_link_at(account, datetime(2026, 1, 10, 3, 0, tzinfo=UTC))
    _first_link_at(account, datetime(2026, 1, 20, 15, 0, tzinfo=UTC))  # a later link changes nothing
    app.config["VALIDATION_DAYS"] = 30
    client = sign_in(account)
    page = text(client.get("/about-this-debt"))
    assert "tell us by February 8, 2026." in page  # 9 January + 30 days


def test_without_an_itemization_date_the_page_says_so(make_account, sign_in):
    account = make_account()
    page = text(sign_in(account).get("/about-this-debt"))
    assert "The creditor has not told us the itemization date" in page
    assert "What you owed on the itemization date" in page
    assert "Original creditor" not in page


def test_the_validation_page_needs_a_confirmed_identity(client, make_account, issue_link):
    assert client.get("/about-this-debt").headers["Location"].endswith("/session-ended")
    client.get(issue_link(make_account()))
    assert client.get("/about-this-debt").headers["Location"].endswith("/verify")


def test_the_overview_links_to_both_pages(make_account, sign_in):
    page = text(sign_in(make_account()).get("/account"))
    assert '<a href="/about-this-debt">About this debt and your rights</a>' in page
    assert '<a href="/dispute">I don\'t think I owe this</a>' in page


# --- The dispute form -----------------------------------------------------------------------


def _in_memory(reason: str, evidence: bytes) -> dict:
    """A multipart body built in memory. Given a big file, the test client spools the body to a
    temporary file of its own that it never closes (a ResourceWarning); this avoids it."""
    boundary, body = encode_multipart(
        MultiDict({"reason": reason, "evidence": FileStorage(io.BytesIO(evidence), "statement.pdf")})
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _disputes():
    db.session.expire_all()
    return db.session.scalars(select(Dispute)).all()


def test_the_form_asks_why_with_radios_words_and_an_optional_file(make_account, sign_in):
    page = text(sign_in(make_account()).get("/dispute"))
    assert check_page(page) == "I don't think I owe this"
    assert 'enctype="multipart/form-data"' in page
    for n, value in enumerate(["not_mine", "already_paid", "wrong_amount", "other"]):
        assert f'type="radio" id="reason-{n}" name="reason" value="{value}"' in page
    assert '<textarea class="input" id="details" name="details"' in page
    assert 'type="file" id="evidence" name="evidence"' in page


def test_an_empty_form_says_what_to_fix(make_account, sign_in):
    account = make_account()
    response = sign_in(account).post("/dispute", data={})
    assert response.status_code == 400
    page = text(response)
    assert "<title>Error: I don't think I owe this" in page
    assert '<a href="#reason-0">Select why you think you do not owe this</a>' in page
    assert _disputes() == [] and account.on_hold is False


def test_something_else_needs_words(make_account, sign_in):
    response = sign_in(make_account()).post("/dispute", data={"reason": "other", "details": "  "})
    assert response.status_code == 400
    assert '<a href="#details">Tell us what is wrong</a>' in text(response)


def test_too_many_words_are_refused_and_kept_for_editing(make_account, sign_in):
    long = "x" * 5001
    response = sign_in(make_account()).post("/dispute", data={"reason": "other", "details": long})
    assert response.status_code == 400
    page = text(response)
    assert "Your message must be 5,000 characters or fewer" in page and long in page


@pytest.mark.parametrize("payload", [files.elf(), files.windows_exe()], ids=["elf", "mz"])
def test_a_renamed_executable_is_refused(make_account, sign_in, evidence_dir, payload):
    account = make_account()
    response = sign_in(account).post(
        "/dispute",
        data={"reason": "already_paid", "evidence": upload(payload, "receipt.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = text(response)
    assert '<a href="#evidence">The file must be a PDF, JPEG or PNG.' in page
    assert _disputes() == [] and not evidence_dir.exists()
    db.session.expire_all()
    assert account.on_hold is False


def test_an_empty_file_is_refused(make_account, sign_in):
    response = sign_in(make_account()).post(
        "/dispute",
        data={"reason": "already_paid", "evidence": upload(b"", "receipt.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "The file you chose is empty." in text(response)


def test_a_file_over_ten_megabytes_is_refused_on_the_form(make_account, sign_in):
    big = files.pdf() + b"\x00" * (10 * 1024 * 1024)
    response = sign_in(make_account()).post("/dispute", **_in_memory(reason="wrong_amount", evidence=big))
    assert response.status_code == 400
    assert '<a href="#evidence">The file must be 10 MB or smaller.' in text(response)
    assert _disputes() == []


def test_a_request_over_the_upload_limit_gets_a_kind_page(make_account, sign_in):
    huge = files.pdf() + b"\x00" * (12 * 1024 * 1024)
    response = sign_in(make_account()).post("/dispute", **_in_memory(reason="wrong_amount", evidence=huge))
    assert response.status_code == 413
    page = text(response)
    assert check_page(page) == "The file is too big"
    assert "Nothing has been sent yet." in page and 'href="/dispute"' in page
    assert _disputes() == []


def test_a_dispute_with_a_picture_holds_the_account_and_confirms(
    make_account, sign_in, evidence_dir, mailbox
):
    account = make_account()
    client = sign_in(account)
    picture = files.png()

    response = client.post(
        "/dispute",
        data={
            "reason": "already_paid",
            "details": "I paid by cheque on 3 March.",
            # The browser's word for the type is ignored; the content decides.
            "evidence": upload(picture, "cheque.png", "application/octet-stream"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303 and response.headers["Location"].endswith("/dispute/received")
    (dispute,) = _disputes()
    assert dispute.status is DisputeStatus.OPEN and dispute.details == "I paid by cheque on 3 March."
    assert dispute.evidence_type == "image/png" and dispute.evidence_name == "cheque.png"
    assert re.fullmatch(r"[0-9a-f]{32}\.png", dispute.evidence_file)
    assert (evidence_dir / dispute.evidence_file).read_bytes() == picture
    db.session.expire_all()
    assert account.on_hold is True
    assert events(account, "dispute_opened")[0].data["evidence"] is True

    page = text(client.get("/dispute/received"))
    assert check_page(page) == "We have received your dispute"
    assert f"Your dispute reference is {dispute.reference}." in page
    assert "We will also look at the document you sent." in page
    assert "We have also sent this to your email address." in page
    assert "Pay in full (your choice, not required)" in page
    assert mailbox.wait_for(1)[0]["Subject"] == f"We have received your dispute {dispute.reference}"

    overview = text(client.get("/account"))
    assert "Your dispute is under review" in overview and dispute.reference in overview
    assert "You do not have to pay while we check." in overview
    assert '<a href="/pay">Pay in full (your choice, not required)</a>' in overview
    assert "What you can do" not in overview and "See other ways to pay" not in overview
    assert '<a href="/dispute">I don\'t think I owe this</a>' not in overview

    assert client.get("/dispute").headers["Location"].endswith("/dispute/received"), "one at a time"


def test_the_voluntary_payment_page_still_opens_while_on_hold(make_account, sign_in, open_dispute):
    account = make_account()
    client = sign_in(account)
    open_dispute(account)
    assert client.get("/pay").status_code == 200


def test_an_active_plan_is_shown_as_paused(make_account, sign_in, open_dispute):
    from tests.plans.plan_rows import plan_rows

    account = make_account()
    plan_rows(account, [(date(2099, 1, 1), 5000)])
    client = sign_in(account)
    open_dispute(account)
    page = text(client.get("/account"))
    assert "Plan payments are paused while we check your dispute." in page


def test_no_route_serves_evidence(app, make_account, sign_in, evidence_dir):
    client = sign_in(make_account())
    client.post(
        "/dispute",
        data={"reason": "not_mine", "evidence": upload(files.pdf(), "letter.pdf")},
        content_type="multipart/form-data",
    )
    (dispute,) = _disputes()
    assert not [rule.rule for rule in app.url_map.iter_rules() if "evidence" in rule.rule]
    for path in (
        f"/evidence/{dispute.evidence_file}",
        f"/instance/evidence/{dispute.evidence_file}",
        f"/static/../instance/evidence/{dispute.evidence_file}",
        f"/static/{dispute.evidence_file}",
    ):
        assert client.get(path).status_code == 404, path
    assert evidence_dir.parent.resolve() != (evidence_dir.parent / ".." / "static").resolve()
    assert "static" not in str(evidence_dir)


def test_the_received_page_without_a_dispute_goes_to_the_account(make_account, sign_in):
    assert sign_in(make_account()).get("/dispute/received").headers["Location"].endswith("/account")
    assert db.session.scalars(select(MagicLink)).all()
