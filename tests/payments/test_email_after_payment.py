"""A payment that succeeded is never answered with a 500 because of its email: a name with a line
break cannot break a header, and an email that fails is recorded and retried by the task runner.

Huey runs in immediate mode (tests/conftest.py's task_queue): the retry waits in its in-memory
schedule, and a test runs it as the consumer would once it is due.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.notify import mailer, plan_emails
from portal.notify.resend import RETRIES
from tests.helpers.cards import VISA_OK
from tests.helpers.mail import raw_header
from tests.helpers.records import events
from tests.helpers.servers import free_port

BROKEN_NAME = "Acme\r\nBcc: thief@example.com\nBank"


def run_due_retries(huey) -> int:
    """Run every scheduled task as a consumer would once its time came; returns how many ran."""
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)
    due = huey.read_schedule(later)
    for task in due:
        huey.execute(task, timestamp=later)
    return len(due)


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
    make_account, sign_in, client, typed_card, mailbox, smtp_down, task_queue
):
    account = make_account()
    sign_in(account)

    receipt = _pay(client, typed_card)

    page = client.get(receipt)
    assert page.status_code == 200
    assert "We could not email this receipt just now" in page.get_data(as_text=True)
    assert "We have also sent this receipt" not in page.get_data(as_text=True)
    (failure,) = events(account, "email_failed")
    payment_id = int(receipt.rsplit("/", 1)[1])
    assert failure.data == {"email": "receipt", "error": "ConnectionRefusedError", "payment_id": payment_id}
    assert not events(account, "receipt_sent")
    assert mailbox.arrived() == []

    # Still down when the first retry comes: recorded again, and Huey keeps it for later.
    assert run_due_retries(task_queue) == 1
    assert len(events(account, "email_failed")) == 2
    (waiting,) = task_queue.read_schedule(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30))
    assert waiting.retries == RETRIES - 1
    task_queue.add_schedule(waiting)

    smtp_down.restore()
    assert run_due_retries(task_queue) == 1
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == "Receipt for your payment to Acme Bank"
    assert [e.data["payment_id"] for e in events(account, "receipt_sent")] == [payment_id]
    assert run_due_retries(task_queue) == 0
    assert "We have also sent this receipt" in client.get(receipt).get_data(as_text=True)


def test_a_retry_after_the_receipt_went_sends_nothing_twice(
    make_account, sign_in, client, typed_card, mailbox
):
    from portal.tasks import resend_email_task

    account = make_account()
    sign_in(account)
    payment_id = int(_pay(client, typed_card).rsplit("/", 1)[1])
    assert len(mailbox.wait_for(1)) == 1

    assert resend_email_task.call_local("receipt", payment_id) is True
    assert len(mailbox.arrived()) == 1


def test_a_plan_confirmation_that_fails_is_recorded_and_retried(
    make_account, localstripe, mailbox, smtp_down, task_queue
):
    from tests.helpers.plans import make_plan

    account = make_account()
    plan = make_plan(localstripe, account)
    mailbox.clear()

    assert plan_emails.send_confirmation(plan) is False

    (failure,) = events(account, "email_failed")
    assert failure.data == {
        "email": "plan_confirmation",
        "error": "ConnectionRefusedError",
        "plan_id": plan.id,
    }
    smtp_down.restore()
    assert run_due_retries(task_queue) == 1
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == "Your payment plan with Acme Bank"
    assert events(account, "plan_confirmation_sent")


def test_a_receipt_that_cannot_even_be_built_does_not_fail_the_payment(
    make_account, sign_in, client, typed_card, mailbox, task_queue
):
    account = make_account(email="jane@example.com\r\nBcc: thief@example.com")
    sign_in(account)

    receipt = _pay(client, typed_card)

    assert client.get(receipt).status_code == 200
    (failure,) = events(account, "email_failed")
    assert failure.data == {
        "email": "receipt",
        "error": "ValueError",
        "payment_id": int(receipt.rsplit("/", 1)[1]),
    }
    assert mailbox.arrived() == []


def test_the_confirmed_plan_page_says_it_was_emailed_only_once_the_mail_server_took_it(
    make_account, sign_in, client, localstripe, mailbox, smtp_down, task_queue
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
    assert events(account, "email_failed")

    smtp_down.restore()
    assert run_due_retries(task_queue) == 1
    mailbox.wait_for(1)
    assert emailed in client.get("/plan/confirmed").text
