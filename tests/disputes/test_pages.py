"""The validation information page and the dispute's question pages, through the test client."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.disputes.draft import RUN
from portal.extensions import db
from portal.links import service as links
from portal.models import Dispute, DisputeStatus, Draft, MagicLink, Payment
from tests.disputes.conftest import text, upload
from tests.helpers import documents
from tests.helpers.pages import check_page
from tests.helpers.records import events


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
        "Ask us by February 14, 2026 by phone, email, or mail",
        "we must stop collecting the debt until we send you the original creditor's name and address",
        "Is this message really from us?",
        "Our license Example license no. 12345 (demo)",
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


# --- The dispute, one question a page ------------------------------------------------------


def _disputes():
    db.session.expire_all()
    return db.session.scalars(select(Dispute)).all()


def _drafts(account) -> list[Draft]:
    db.session.expire_all()
    return db.session.scalars(select(Draft).where(Draft.account_id == account.id)).all()


def _saved(account) -> dict:
    db.session.expire_all()
    return RUN.answers(account)


def _answer_all(client, reason="already_paid", details="I paid in March.", document=None) -> None:
    """Walk the three questions as a browser would; ends ready to send on the check page."""
    assert client.post("/dispute", data={"reason": reason}).headers["Location"] == "/dispute/details"
    assert (
        client.post("/dispute/details", data={"details": details}).headers["Location"] == "/dispute/document"
    )
    if document is None:
        response = client.post("/dispute/document", data={"without": "1"})
    else:
        response = client.post(
            "/dispute/document", data={"evidence": document}, content_type="multipart/form-data"
        )
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/check"


def test_the_first_page_asks_why_with_radios_and_their_hints(make_account, sign_in):
    page = text(sign_in(make_account()).get("/dispute"))
    assert check_page(page) == "Why do you think you do not owe this?"
    assert '<legend class="legend legend--heading"><h1 class="legend__heading">' in page
    for n, value in enumerate(["not_mine", "already_paid", "wrong_amount", "other"]):
        assert f'type="radio" id="reason-{n}" name="reason" value="{value}"' in page
        assert f'id="reason-{n}-hint"' in page
    assert "You can tell us what is wrong on the next page." in page
    assert '<a href="/account">Back</a>' in page
    assert ">Continue</button>" in page
    assert "textarea" not in page and 'type="file"' not in page


def test_no_reason_says_what_to_fix(make_account, sign_in):
    account = make_account()
    response = sign_in(account).post("/dispute", data={})
    assert response.status_code == 400
    page = text(response)
    assert "<title>Error: Why do you think you do not owe this?" in page
    assert '<a href="#reason-0">Select why you think you do not owe this</a>' in page
    assert 'id="reason-0-error"' in page
    assert _drafts(account) == [] and _disputes() == []
    assert account.on_hold is False


def test_the_reason_is_kept_and_shown_again(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    response = client.post("/dispute", data={"reason": "wrong_amount"})
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/details"
    assert _saved(account) == {"reason": "wrong_amount"}
    page = text(client.get("/dispute"))
    chosen = re.search(r'<input[^>]*id="reason-2"[^>]*>', page).group(0)
    assert 'value="wrong_amount"' in chosen and " checked" in chosen
    assert 'aria-describedby="reason-2-hint"' in chosen
    assert page.count(" checked") == 1
    assert _disputes() == [], "nothing is sent before the check page"


def test_the_details_page_needs_a_reason_first(make_account, sign_in):
    assert sign_in(make_account()).get("/dispute/details").headers["Location"] == "/dispute"


def test_something_else_needs_words(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    client.post("/dispute", data={"reason": "other"})
    page = text(client.get("/dispute/details"))
    assert check_page(page) == "Tell us more"
    assert "Tell us what is wrong. Please do not write your full card number." in page
    assert '<a href="/dispute">Back</a>' in page

    response = client.post("/dispute/details", data={"details": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "<title>Error: Tell us more –" in page
    assert '<a href="#details">Tell us what is wrong</a>' in page and 'id="details-error"' in page
    assert "details" not in _saved(account)


def test_for_the_other_reasons_more_words_are_optional(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    client.post("/dispute", data={"reason": "already_paid"})
    page = text(client.get("/dispute/details"))
    assert check_page(page) == "Tell us more (optional)"
    assert "Tell us when and how you paid, if you can." in page

    response = client.post("/dispute/details", data={"details": ""})
    assert response.headers["Location"] == "/dispute/document"
    assert _saved(account) == {"reason": "already_paid", "details": ""}, "an empty answer is an answer"


def test_too_many_words_are_refused_and_kept_for_editing(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    client.post("/dispute", data={"reason": "other"})
    long = "x" * 5001
    response = client.post("/dispute/details", data={"details": long})
    assert response.status_code == 400
    page = text(response)
    assert '<a href="#details">Your message must be 5,000 characters or fewer</a>' in page and long in page
    assert "details" not in _saved(account)


def test_the_words_are_kept_and_shown_again(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    client.post("/dispute", data={"reason": "wrong_amount"})
    client.post("/dispute/details", data={"details": "The fees are <wrong>."})
    page = client.get("/dispute/details").get_data(as_text=True)
    assert ">The fees are &lt;wrong&gt;.</textarea>" in page
    assert "Tell us which amount you think is wrong, and why." in text(client.get("/dispute/details"))


def test_choosing_something_else_later_asks_for_the_words_again(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    _answer_all(client, reason="already_paid", details="")
    response = client.post("/dispute", data={"reason": "other"})
    assert response.headers["Location"] == "/dispute/details", "words are needed now"
    assert "details" not in _saved(account)
    assert client.get("/dispute/check").headers["Location"] == "/dispute/details"


# --- Check and send --------------------------------------------------------------------------


def test_the_check_page_sends_you_to_the_first_question_not_answered(make_account, sign_in):
    client = sign_in(make_account())
    assert client.get("/dispute/check").headers["Location"] == "/dispute"
    client.post("/dispute", data={"reason": "not_mine"})
    assert client.get("/dispute/check").headers["Location"] == "/dispute/details"
    response = client.post("/dispute/check")
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/details"
    client.post("/dispute/details", data={"details": ""})
    assert client.get("/dispute/check").headers["Location"] == "/dispute/document"
    assert _disputes() == []


def test_the_check_page_shows_every_answer_with_a_change_link(make_account, sign_in):
    client = sign_in(make_account())
    _answer_all(client, reason="already_paid", details="I paid by cheque.\nOn 3 March.")
    response = client.get("/dispute/check")
    assert response.status_code == 200
    page = text(response)
    assert check_page(page) == "Check your dispute before you send it"
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Your reason I have already paid it Change Your reason" in body
    assert "What you told us I paid by cheque. On 3 March. Change What you told us" in body
    assert "Document None Change Document" in body
    for url in ("/dispute", "/dispute/details", "/dispute/document"):
        assert f'<a href="{url}">Change<span class="visually-hidden">' in page
    assert '<a href="/dispute/document">Back</a>' in page
    assert 'id="send">Send</button>' in page


def test_a_change_comes_back_to_the_check_page(make_account, sign_in):
    account = make_account()
    client = sign_in(account)
    _answer_all(client)
    response = client.post("/dispute", data={"reason": "wrong_amount"})
    assert response.headers["Location"] == "/dispute/check"
    response = client.post("/dispute/details", data={"details": "The fees are wrong."})
    assert response.headers["Location"] == "/dispute/check"
    page = text(client.get("/dispute/check"))
    assert "The amount is wrong" in page and "The fees are wrong." in page
    assert _saved(account)["reason"] == "wrong_amount"


def test_sending_opens_the_dispute_holds_the_account_and_clears_the_draft(make_account, sign_in, mailbox):
    account = make_account()
    client = sign_in(account)
    _answer_all(client, reason="not_mine", details="I never banked with Acme.")
    assert len(_drafts(account)) == 1

    response = client.post("/dispute/check")

    assert response.status_code == 303 and response.headers["Location"] == "/dispute/received"
    (dispute,) = _disputes()
    assert dispute.status is DisputeStatus.OPEN and dispute.reason.value == "not_mine"
    assert dispute.details == "I never banked with Acme." and dispute.evidence_file is None
    assert _drafts(account) == [], "the draft goes in the same commit"
    db.session.expire_all()
    assert account.on_hold is True
    assert events(account, "dispute_opened")[0].data == {
        "reference": dispute.reference,
        "reason": "not_mine",
        "evidence": False,
    }
    assert mailbox.wait_for(1)[0]["Subject"] == f"We have received your dispute {dispute.reference}"
    page = text(client.get("/dispute/received"))
    assert "We will also look at the document you sent." not in page


def test_a_dispute_with_a_picture_holds_the_account_and_confirms(
    make_account, sign_in, evidence_dir, mailbox
):
    account = make_account()
    client = sign_in(account)
    picture = documents.png()
    # The browser's word for the type is ignored; the content decides.
    _answer_all(
        client,
        details="I paid by cheque on 3 March.",
        document=upload(picture, "cheque.png", "application/octet-stream"),
    )
    assert "cheque.png" in text(client.get("/dispute/check"))

    response = client.post("/dispute/check")

    assert response.status_code == 303 and response.headers["Location"].endswith("/dispute/received")
    (dispute,) = _disputes()
    assert dispute.status is DisputeStatus.OPEN and dispute.details == "I paid by cheque on 3 March."
    assert dispute.evidence_type == "image/png" and dispute.evidence_name == "cheque.png"
    assert re.fullmatch(r"[0-9a-f]{32}\.png", dispute.evidence_file)
    assert (evidence_dir / dispute.evidence_file).read_bytes() == picture
    assert [p.name for p in evidence_dir.iterdir()] == [dispute.evidence_file]
    assert _drafts(account) == []
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

    for path in ("/dispute", "/dispute/details", "/dispute/document", "/dispute/check"):
        assert client.get(path).headers["Location"].endswith("/dispute/received"), ("one at a time", path)


def test_a_document_gone_from_the_folder_is_asked_for_again(make_account, sign_in, evidence_dir):
    account = make_account()
    client = sign_in(account)
    _answer_all(client, document=upload(documents.pdf(), "letter.pdf"))
    for stored in evidence_dir.iterdir():
        stored.unlink()

    response = client.post("/dispute/check")

    assert response.status_code == 303 and response.headers["Location"] == "/dispute/document"
    assert "evidence" not in _saved(account) and _disputes() == []
    page = text(client.get("/dispute/document"))
    assert "<title>Error: Do you have a document that shows this? (optional)" in page
    assert '<a href="#evidence">We could not find the document you added.' in page
    assert "There is a problem" not in text(client.get("/dispute/document")), "said once"


@pytest.mark.parametrize(
    ("saved", "page", "message", "kept"),
    [
        (
            {"reason": "other", "details": "", "evidence": None},
            "/dispute/details",
            '<a href="#details">Tell us what is wrong</a>',
            {"reason": "other", "details": "", "evidence": None},
        ),
        (
            {"reason": "gone_reason", "details": "x", "evidence": None},
            "/dispute",
            '<a href="#reason-0">Select why you think you do not owe this</a>',
            {"details": "x", "evidence": None},
        ),
    ],
    ids=["words-now-needed", "reason-no-longer-known"],
)
def test_a_saved_answer_that_no_longer_fits_is_asked_again(make_account, sign_in, saved, page, message, kept):
    account = make_account()
    client = sign_in(account)
    RUN.save(account, **saved)
    db.session.commit()
    response = client.get("/dispute/check")
    assert response.status_code == 303 and response.headers["Location"] == page
    assert message in text(client.get(page))
    assert client.post("/dispute/check").headers["Location"] == page, "and never sent"
    assert _saved(account) == kept and _disputes() == []


def test_a_failed_save_removes_the_document_no_dispute_points_at(
    make_account, sign_in, evidence_dir, monkeypatch
):
    from portal.disputes import pages

    account = make_account()
    client = sign_in(account)
    _answer_all(client, document=upload(documents.png(), "cheque.png"))
    assert len(list(evidence_dir.iterdir())) == 1

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pages.service, "open_dispute", broken)
    with pytest.raises(RuntimeError):
        client.post("/dispute/check")
    assert list(evidence_dir.iterdir()) == [] and _disputes() == []
    assert len(_drafts(account)) == 1, "nothing else changed"


def test_drafts_are_per_account(app, make_account, issue_link, sign_in):
    one = make_account(reference="ACC-1")
    two = make_account(reference="ACC-2", email="two@example.com")
    first = sign_in(one)
    _answer_all(first, reason="wrong_amount", details="The fees are wrong.")

    second = app.test_client()
    second.get(issue_link(two))
    assert second.post("/verify", data={"day": "27", "month": "3", "year": "1980"}).status_code == 303
    assert second.get("/dispute/check").headers["Location"] == "/dispute"
    assert "checked" not in text(second.get("/dispute"))
    assert _saved(two) == {} and _saved(one)["reason"] == "wrong_amount"


@pytest.mark.parametrize("path", ["/dispute", "/dispute/details", "/dispute/document", "/dispute/check"])
def test_a_stale_form_changes_nothing_on_every_page(app, make_account, sign_in, path):
    account = make_account()
    client = sign_in(account)
    _answer_all(client, reason="other", details="Wrong person.")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"reason": "not_mine", "details": "x", "without": "1"})
    assert response.status_code == 400, path
    assert check_page(text(response)) == "This page timed out"
    assert _saved(account) == {"reason": "other", "details": "Wrong person.", "evidence": None}
    assert _disputes() == []


def test_a_closed_account_cannot_start_a_dispute(make_account, sign_in, evidence_dir):
    from portal.models import AccountStatus

    account = make_account()
    client = sign_in(account)
    _answer_all(client, document=upload(documents.png(), "cheque.png"))
    account.status = AccountStatus.CLOSED
    db.session.commit()
    for path in ("/dispute", "/dispute/details", "/dispute/document", "/dispute/check"):
        assert client.get(path).headers["Location"].endswith("/account"), path
        assert client.post(path).headers["Location"].endswith("/account"), path
    assert _drafts(account) == [] and list(evidence_dir.iterdir()) == [], "the draft can never be sent"


def test_the_voluntary_payment_page_still_opens_while_on_hold(make_account, sign_in, open_dispute):
    account = make_account()
    client = sign_in(account)
    open_dispute(account)
    assert client.get("/pay").status_code == 200


def test_an_active_plan_is_shown_as_paused(make_account, sign_in, open_dispute):
    from tests.helpers.plans import plan_rows

    account = make_account()
    plan_rows(account, [(date(2099, 1, 1), 5000)])
    client = sign_in(account)
    open_dispute(account)
    page = text(client.get("/account"))
    assert "Plan payments are paused while we check your dispute." in page


def test_the_received_page_without_a_dispute_goes_to_the_account(make_account, sign_in):
    assert sign_in(make_account()).get("/dispute/received").headers["Location"].endswith("/account")
    assert db.session.scalars(select(MagicLink)).all()
