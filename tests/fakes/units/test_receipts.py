"""Receipts ask the contact rules: an opt-out stops them; they carry who is writing and the opt-out link.

Read from the in-memory outbox; tests/payments/test_email_after_payment.py sends receipts over real SMTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from portal import clock
from portal.extensions import db
from portal.models import OptOut, Payment
from portal.notify import receipts
from portal.notify.optout import optout_url
from tests.helpers.mail import body, raw_header
from tests.helpers.records import event_kinds, events


@pytest.fixture
def pay(make_account):
    """A recorded card payment on a new account, as the payment code leaves it before the receipt."""

    def make(**account_options) -> Payment:
        account = make_account(**account_options)
        payment = Payment(
            account_id=account.id,
            stripe_payment_intent_id=f"pi_test_{account.reference}",
            amount=5000,
            currency="USD",
            card_brand="Visa",
            card_last4="4242",
        )
        db.session.add(payment)
        db.session.commit()
        return payment

    return make


def test_a_receipt_carries_who_is_writing_and_the_opt_out_link(pay, mailbox):
    payment = pay()
    url = optout_url(payment.account.debtor)

    assert receipts.send_receipt(payment) is True

    (message,) = mailbox.wait_for(1)
    assert raw_header(message, "List-Unsubscribe").strip() == f"<{url}>"
    assert raw_header(message, "List-Unsubscribe-Post").strip() == "List-Unsubscribe=One-Click"
    text = body(message, "plain")
    assert "This message is from Example Recovery Services, a debt collection agency." in text
    assert f"To stop receiving emails from us, open this link: {url}" in text
    assert "We received your payment of $50.00 to Acme Bank." in text
    html = body(message, "html")
    assert "This message is from Example Recovery Services, a debt collection agency." in html
    assert f'To stop receiving emails from us, open this link: <a href="{url}">{url}</a>' in html
    assert event_kinds(payment.account)[-1] == "receipt_sent"


def test_the_receipts_opt_out_link_works(pay, mailbox, client):
    payment = pay()
    receipts.send_receipt(payment)
    (message,) = mailbox.wait_for(1)
    url = re.search(r"open this link: (\S+)", body(message, "plain")).group(1)

    assert client.post(url.removeprefix("http://portal.test")).status_code == 200

    db.session.expire_all()
    assert db.session.scalars(db.select(OptOut.debtor_id)).all() == [payment.account.debtor_id]


def test_an_opted_out_person_gets_no_receipt_and_the_timeline_says_why(pay, mailbox):
    payment = pay()
    db.session.add(OptOut(debtor_id=payment.account.debtor_id, channel="email"))
    db.session.commit()

    assert receipts.send_receipt(payment) is False

    assert mailbox.arrived() == []
    (event,) = events(payment.account, "receipt_not_sent")
    assert event.data == {
        "message_id": event.data["message_id"],
        "payment_id": payment.id,
        "reason": "opted_out",
    }
    assert "receipt_sent" not in event_kinds(payment.account)


def test_no_address_is_noted_too(pay, mailbox):
    payment = pay(email=None)
    assert receipts.send_receipt(payment) is False
    (event,) = events(payment.account, "receipt_not_sent")
    assert event.data["reason"] == "no_address"


def test_a_receipt_is_sent_at_night_because_the_person_just_paid(pay, mailbox, monkeypatch):
    payment = pay()
    night = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)  # 03:00 in New York
    monkeypatch.setattr(clock, "now", lambda: night)

    assert receipts.send_receipt(payment) is True
    assert len(mailbox.wait_for(1)) == 1


def test_a_spanish_receipt_keeps_the_opt_out_link(pay, mailbox):
    payment = pay(language="es")
    receipts.send_receipt(payment)
    (message,) = mailbox.wait_for(1)
    assert optout_url(payment.account.debtor) in body(message, "plain")
    assert '<html lang="es">' in body(message, "html")
    assert "$50.00" in body(message, "plain")  # Spanish in the US writes dollars as the US does
