"""Plan payment reminders: the window on the debtor's own calendar, the contact rules, once only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.extensions import db
from portal.notify import sender
from portal.plans import reminders
from tests.helpers.plans import plan_rows
from tests.helpers.records import event_kinds, events
from tests.helpers.servers import free_port

NOW = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York, the creditor's zone


def _reminded(plan) -> list[date]:
    db.session.expire_all()
    return [i.due_date for i in plan.instalments if i.reminded_at is not None]


def test_a_payment_three_days_away_is_reminded_once(make_account, mailbox):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 18), 5000), (date(2027, 2, 18), 5000)])

    assert reminders.send_reminders(NOW) == 1
    assert reminders.send_reminders(NOW) == 0

    assert len(mailbox.arrived()) == 1
    db.session.expire_all()
    assert plan.instalments[0].reminded_at == NOW and plan.instalments[1].reminded_at is None
    (event,) = events(account, "reminder_sent")
    assert event.data == {
        "message_id": event.data["message_id"],
        "channel": "email",
        "plan_id": plan.id,
        "instalment_id": plan.instalments[0].id,
        "number": 1,
        "due_date": "2027-01-18",
        "amount": 5000,
    }


def test_when_the_mail_server_fails_the_outbox_tries_again_and_no_run_queues_it_twice(
    make_account, mailbox, app
):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 18), 5000)])
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there

    assert reminders.send_reminders(NOW) == 1  # queued
    assert _reminded(plan) == [date(2027, 1, 18)] and event_kinds(account).count("reminder_failed") == 1
    assert mailbox.arrived() == []

    app.config["SMTP_PORT"] = working_port
    assert reminders.send_reminders(NOW + timedelta(minutes=30)) == 0  # already in the outbox
    assert sender.send_due(NOW + timedelta(minutes=30)) == 1
    assert len(mailbox.wait_for(1)) == 1
    assert event_kinds(account).count("reminder_sent") == 1
    assert event_kinds(account).count("message_queued") == 1
