"""A payment that succeeded is never answered with a 500 because of its email: a name with a line
break cannot break a header, and an email that fails is recorded and retried from the outbox.

Huey runs in immediate mode (tests/conftest.py's task_queue): a message is sent as the
transaction that queued it commits; a retry waits in the outbox until its moment, and a test
runs the outbox sweep (`sender.send_due`) as the periodic task would once it is due.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal import clock
from portal.models import MessageStatus
from portal.notify import mailer, outbox, plan_emails, sender
from tests.helpers.cards import VISA_OK
from tests.helpers.mail import raw_header
from tests.helpers.records import events
from tests.helpers.servers import free_port

BROKEN_NAME = "Acme\r\nBcc: thief@example.com\nBank"


def run_due_retries(minutes: int = 10) -> int:
    """Run the outbox sweep as the periodic task would *minutes* from now; how many went."""
    return sender.send_due(clock.now() + timedelta(minutes=minutes))


def _pay(client, typed_card):
    response = client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert re.fullmatch(r"/receipt/\d+", response.headers["Location"])
    return response.headers["Location"]


@pytest.fixture
def smtp_down(app):
    """Point the mailer at a port where nothing listens; `restore()` brings the real server back."""
    working = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()

    class Switch:
        @staticmethod
        def restore():
            app.config["SMTP_PORT"] = working

    yield Switch
    app.config["SMTP_PORT"] = working


def test_a_line_break_in_a_creditor_name_stays_inside_one_subject_line(
    make_account, sign_in, client, typed_card, mailbox
):
    account = make_account(creditor_name=BROKEN_NAME)
    sign_in(account)

    receipt = _pay(client, typed_card)

    assert client.get(receipt).status_code == 200
    (message,) = mailbox.wait_for(1)
    subject = raw_header(message, "Subject")
    assert "\n" not in subject.strip() and "\r" not in subject.strip()
    assert message["Subject"] == "Receipt for your payment to Acme Bcc: thief@example.com Bank"
    assert message["Bcc"] is None
    assert events(account, "receipt_sent")


@pytest.mark.parametrize(
    "to", ["jane@example.com\r\nBcc: thief@example.com", "jane@example.com\nX-Evil: 1", "not an address"]
)
def test_an_address_that_would_inject_a_header_is_refused_not_sent(app, mailbox, to):
    with pytest.raises(mailer.MailNotSent) as refused:
        mailer.deliver(mailer.Mail(to=to, subject="Hello", text="Hi"))
    assert isinstance(refused.value.__cause__, ValueError)
    assert mailer.send(mailer.Mail(to=to, subject="Hello", text="Hi")) is False
    assert mailbox.arrived() == []


def test_from_and_subject_are_built_from_address_and_header_types(app, mailbox):
    app.config["MAIL_FROM"] = "Example\nRecovery <help@example.com>"
    mailer.deliver(mailer.Mail(to="jane@example.com", subject="Hi\r\nthere\x00", text="Hi"))
    (message,) = mailbox.wait_for(1)
    assert message["From"].addresses[0].display_name == "Example Recovery"
    assert message["From"].addresses[0].addr_spec == "help@example.com"
    assert message["To"].addresses[0].addr_spec == "jane@example.com"
    assert message["Subject"] == "Hi there"


def test_smtp_down_after_paying_still_shows_the_receipt_and_the_retry_sends_it(
    make_account, sign_in, client, typed_card, mailbox, smtp_down
):
    account = make_account()
    sign_in(account)

    receipt = _pay(client, typed_card)

    page = client.get(receipt)
    assert page.status_code == 200
    assert "We could not email this receipt right now" in page.get_data(as_text=True)
    assert "We have also sent this receipt" not in page.get_data(as_text=True)
    (failure,) = events(account, "receipt_failed")
    payment_id = int(receipt.rsplit("/", 1)[1])
    message = outbox.find(f"receipt:{payment_id}")
    assert failure.data == {
        "message_id": message.id,
        "channel": "email",
        "error": "ConnectionRefusedError",
        "outcome": "queued",
        "payment_id": payment_id,
    }
    assert not events(account, "receipt_sent")
    assert mailbox.arrived() == []
    assert run_due_retries(minutes=1) == 0  # the first retry waits 5 minutes

    # Still down when the first retry comes: recorded again, and the next waits twice as long.
    assert run_due_retries(minutes=6) == 0
    assert len(events(account, "receipt_failed")) == 2
    app_message = outbox.find(f"receipt:{payment_id}")
    assert app_message.status is MessageStatus.QUEUED and app_message.tries == 2
    assert app_message.not_before >= clock.now() + timedelta(minutes=15)

    smtp_down.restore()
    assert run_due_retries(minutes=30) == 1
    (sent,) = mailbox.wait_for(1)
    assert sent["Subject"] == "Receipt for your payment to Acme Bank"
    assert [e.data["payment_id"] for e in events(account, "receipt_sent")] == [payment_id]
    assert run_due_retries(minutes=60) == 0
    assert "We have also sent this receipt" in client.get(receipt).get_data(as_text=True)


def test_every_retry_failing_leaves_the_receipt_failed_and_the_page_claims_nothing(
    make_account, sign_in, client, typed_card, mailbox, smtp_down
):
    account = make_account()
    sign_in(account)
    receipt = _pay(client, typed_card)
    payment_id = int(receipt.rsplit("/", 1)[1])

    for day in range(1, sender.RETRIES + 3):  # each retry waits longer: a day apart outlasts them
        run_due_retries(minutes=60 * 24 * day)

    message = outbox.find(f"receipt:{payment_id}")
    assert message.status is MessageStatus.FAILED
    assert message.tries == sender.RETRIES + 1
    assert len(events(account, "receipt_failed")) == sender.RETRIES + 1
    page = client.get(receipt).get_data(as_text=True)
    assert "We could not email this receipt right now" not in page
    assert "We have also sent this receipt" not in page


def test_a_second_queue_of_a_receipt_that_went_sends_nothing_twice(
    make_account, sign_in, client, typed_card, mailbox
):
    from portal.extensions import db
    from portal.models import Payment
    from portal.notify import receipts

    account = make_account()
    sign_in(account)
    payment_id = int(_pay(client, typed_card).rsplit("/", 1)[1])
    assert len(mailbox.wait_for(1)) == 1

    receipts.send_receipt(db.session.get(Payment, payment_id))
    assert run_due_retries(minutes=60) == 0
    assert len(mailbox.arrived()) == 1
    assert len(events(account, "message_queued")) == 1


def test_a_plan_confirmation_that_fails_is_recorded_and_retried(
    make_account, localstripe, mailbox, smtp_down
):
    from tests.helpers.plans import make_plan

    account = make_account()
    plan = make_plan(localstripe, account)
    mailbox.clear()

    plan_emails.send_confirmation(plan)

    (failure,) = events(account, "plan_confirmation_failed")
    assert failure.data["error"] == "ConnectionRefusedError"
    assert failure.data["plan_id"] == plan.id
    smtp_down.restore()
    assert run_due_retries() == 1
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == "Your payment plan with Acme Bank"
    assert message.get_content_type() == "multipart/mixed"
    (calendar,) = [part for part in message.iter_attachments() if part.get_filename() == "payment-plan.ics"]
    assert "BEGIN:VCALENDAR" in calendar.get_content()
    assert events(account, "plan_confirmation_sent")


def test_a_receipt_that_cannot_even_be_built_does_not_fail_the_payment(
    make_account, sign_in, client, typed_card, mailbox
):
    account = make_account(email="jane@example.com\r\nBcc: thief@example.com")
    sign_in(account)

    receipt = _pay(client, typed_card)

    assert client.get(receipt).status_code == 200
    (failure,) = events(account, "receipt_failed")
    assert failure.data["error"] == "ValueError"
    assert failure.data["outcome"] == "failed"  # an address that is not one is never retried
    assert failure.data["payment_id"] == int(receipt.rsplit("/", 1)[1])
    assert run_due_retries(minutes=60) == 0
    assert mailbox.arrived() == []


def test_the_confirmed_plan_page_says_it_was_emailed_only_once_the_mail_server_took_it(
    make_account, sign_in, client, localstripe, mailbox, smtp_down
):
    from datetime import date

    from tests.helpers.plan_pages import agree_plan

    account = make_account()
    sign_in(account)
    first = date.today() + timedelta(days=5)
    _, agreed = agree_plan(client, localstripe, frequency="monthly", count=3, first=first)
    assert agreed.headers["Location"] == "/plan/confirmed", agreed.text

    emailed = "We have emailed you this plan with a calendar file."
    page = client.get("/plan/confirmed")
    assert page.status_code == 200 and emailed not in page.text
    assert events(account, "plan_confirmation_failed")

    smtp_down.restore()
    assert run_due_retries() == 1
    mailbox.wait_for(1)
    assert emailed in client.get("/plan/confirmed").text
