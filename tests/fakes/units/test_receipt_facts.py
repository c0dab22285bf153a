"""The receipt states what the record says: the send that was recorded, the balance right after
that payment, and the same reference and amounts on the page and in both parts of the email.
The emails are read from the in-memory outbox; none of this needs a gateway."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from portal.domain.receipts import payment_reference
from portal.extensions import db
from portal.models import OptOut, Payment
from portal.notify import mailer, receipts
from tests.helpers.mail import body

SENT = "We have also sent this receipt to your email address."
RETRYING = "We could not email this receipt right now. We will try again, so it may reach you later."
OPTED_OUT = "You asked us not to email you, so we have not emailed this receipt."
NO_ADDRESS = "We do not have an email address for you, so we have not emailed this receipt."
EVERY_SENTENCE = (SENT, RETRYING, OPTED_OUT, NO_ADDRESS)


@pytest.fixture
def pay():
    """Record a card payment on *account* as the payment code does before the receipt goes."""

    def make(account, amount=3000, paid_at=None) -> Payment:
        payment = Payment(
            account_id=account.id,
            stripe_payment_intent_id=f"pi_{account.reference}_{amount}_{paid_at}",
            amount=amount,
            currency="USD",
            card_brand="Visa",
            card_last4="4242",
            paid_at=paid_at or datetime.now(UTC),
        )
        db.session.add(payment)
        db.session.commit()
        return payment

    return make


def _page(client, payment) -> str:
    response = client.get(f"/receipt/{payment.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _only(page: str, sentence: str | None) -> None:
    """The page says *sentence* about the email and none of the others."""
    for other in EVERY_SENTENCE:
        assert (other in page) is (other == sentence), other


def test_a_receipt_that_went_says_so(make_account, sign_in, client, pay, mailbox):
    account = make_account()
    payment = pay(account)
    assert receipts.send_receipt(payment)
    mailbox.wait_for(1)
    sign_in(account)

    _only(_page(client, payment), SENT)


def test_a_receipt_that_failed_says_it_will_be_tried_again_not_that_it_went(
    make_account, sign_in, client, pay, monkeypatch
):
    account = make_account()
    payment = pay(account)

    def refuse(mail, reference=None):
        raise mailer.MailNotSent("connection refused")

    monkeypatch.setattr(mailer, "deliver", refuse)
    assert receipts.send_receipt(payment) is False
    sign_in(account)

    # The contact rules would allow an email now; the page goes by what happened.
    _only(_page(client, payment), RETRYING)


def test_a_person_who_asked_not_to_be_emailed_is_told_why_nothing_came(
    make_account, sign_in, client, pay, mailbox
):
    account = make_account()
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()
    payment = pay(account)
    assert receipts.send_receipt(payment) is False
    sign_in(account)

    _only(_page(client, payment), OPTED_OUT)
    assert mailbox.arrived() == []


def test_a_person_with_no_email_address_is_told_why_nothing_came(make_account, sign_in, client, pay):
    account = make_account(email=None)
    payment = pay(account)
    assert receipts.send_receipt(payment) is False
    sign_in(account)

    _only(_page(client, payment), NO_ADDRESS)


def test_an_opt_out_after_the_receipt_went_does_not_unsay_that_it_went(
    make_account, sign_in, client, pay, mailbox
):
    account = make_account()
    payment = pay(account)
    assert receipts.send_receipt(payment)
    mailbox.wait_for(1)
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()
    sign_in(account)

    _only(_page(client, payment), SENT)


def test_with_nothing_recorded_yet_the_page_claims_nothing_about_email(make_account, sign_in, client, pay):
    account = make_account()
    payment = pay(account)
    sign_in(account)

    _only(_page(client, payment), None)


def test_a_later_payment_does_not_change_what_an_earlier_receipt_says_is_left(
    make_account, sign_in, client, pay
):
    account = make_account()  # owes $1,060.25
    first = pay(account, 3000, datetime(2027, 3, 1, 12, tzinfo=UTC))
    second = pay(account, 2000, datetime(2027, 4, 1, 12, tzinfo=UTC))
    sign_in(account)

    first_page, second_page = _page(client, first), _page(client, second)

    assert "<dt>Left to pay</dt><dd>$1,030.25</dd>" in first_page
    assert "$1,010.25" not in first_page
    assert "<dt>Left to pay</dt><dd>$1,010.25</dd>" in second_page
    assert "This payment has been taken off what you owe." in first_page


def test_an_earlier_receipt_of_an_account_paid_off_since_does_not_say_it_paid_it_off(
    make_account, sign_in, client, pay
):
    account = make_account(principal=5000, interest=0, fees=0)
    first = pay(account, 3000, datetime(2027, 3, 1, 12, tzinfo=UTC))
    last = pay(account, 2000, datetime(2027, 4, 1, 12, tzinfo=UTC))
    account.status = "paid"
    db.session.commit()
    sign_in(account)

    first_page = _page(client, first)
    assert "<dt>Left to pay</dt><dd>$20.00</dd>" in first_page
    assert "This account is now paid in full" not in first_page
    assert "This account is now paid in full" in _page(client, last)


def _lines(text: str, row: str) -> dict[str, str]:
    return {
        html.unescape(label.strip()): html.unescape(value.strip()) for label, value in re.findall(row, text)
    }


def test_the_page_and_both_parts_of_the_email_state_the_same_reference_and_amounts(
    make_account, sign_in, client, pay, mailbox
):
    account = make_account(creditor_name="Smith & Sons")
    earlier = pay(account, 4000, datetime(2027, 2, 1, 12, tzinfo=UTC))
    payment = pay(account, 3000, datetime(2027, 3, 1, 12, tzinfo=UTC))
    assert receipts.send_receipt(earlier) and receipts.send_receipt(payment)
    message = mailbox.wait_for(2)[-1]
    sign_in(account)

    page = _lines(_page(client, payment), r"<dt>(.*?)</dt><dd>(.*?)</dd>")
    text = _lines(body(message, "plain"), r"(?m)^([A-Z][\w ]+): (.+)$")
    rich = _lines(body(message, "html"), r'<th scope="row"[^>]*>(.*?)</th><td>(.*?)</td>')

    expected = {
        "Amount": "$30.00",
        "Date": "March 1, 2027",
        "Paid with": "Visa card ending in 4242",
        "Account reference": account.reference,
        "Payment reference": payment_reference(payment.id),
        "Left to pay": "$990.25",
    }
    assert page == {**expected, "Paid to": "Smith & Sons"}
    assert text == expected
    assert rich == expected
    assert "Thank you. We received your payment of $30.00 to Smith & Sons." in body(message, "plain")
