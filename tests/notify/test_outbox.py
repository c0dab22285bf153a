"""The outbox: a message exists only if its cause committed, goes once whatever queues it again, is
judged by the contact rules when it goes (hours, opt-outs, holds, the 7-day limit), waits for its
moment instead of being dropped, and a sender that stops mid-call never sends it twice.

Huey runs in immediate mode (tests/conftest.py's task_queue): a message is handed over and sent
as the transaction that queued it commits; `sender.send_due` is the periodic sweep.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import Message, MessageStatus, OptOut
from portal.notify import outbox, sender
from tests.helpers.mail import REFUSED_DOMAIN
from tests.helpers.records import event_kinds, events

# 14:00 UTC in January: 09:00 in New York (the creditor's default zone).
MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
# 03:00 UTC: 22:00 the evening before in New York.
NIGHT = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)
NEXT_8AM = datetime(2027, 1, 15, 13, 0, tzinfo=UTC)  # 08:00 in New York


def _queue(account, key="note:1", at=MORNING, **options) -> int:
    message = outbox.queue_email(
        account, "note", key=key, subject="Hello", text="A note for you.", not_before=at, **options
    )
    return message.id


def _message(message_id: int) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message_id)


def test_a_message_is_sent_once_its_cause_commits_and_the_body_is_kept(make_account, mailbox):
    account = make_account()
    message_id = _queue(account)
    assert mailbox.arrived() == []  # nothing goes before the commit

    db.session.commit()

    (mail,) = mailbox.wait_for(1)
    message = _message(message_id)
    assert message.status is MessageStatus.SENT and message.sent_at == MORNING
    assert message.body.strip() == mail.get_content().strip()  # the exact text the person got
    assert message.to_address == "jane@example.com"
    assert message.provider_id == mail["Message-ID"]
    assert f"outbox-{message_id}" in mail["Message-ID"]
    assert event_kinds(account)[-2:] == ["message_queued", "note_sent"]


def test_a_cause_that_rolls_back_sends_nothing(make_account, mailbox):
    account = make_account()
    _queue(account)
    db.session.rollback()
    db.session.commit()
    assert mailbox.arrived() == []
    assert db.session.scalars(db.select(Message)).all() == []


def test_the_same_key_queued_twice_is_one_message(make_account, mailbox):
    account = make_account()
    first = _queue(account)
    db.session.commit()
    second = _queue(account)
    db.session.commit()
    assert first == second
    assert len(mailbox.wait_for(1)) == 1
    assert sender.send_due(MORNING + timedelta(days=1)) == 0
    assert len(mailbox.arrived()) == 1


def test_at_night_it_waits_for_eight_in_the_persons_morning(make_account, mailbox):
    account = make_account()
    message_id = _queue(account, at=NIGHT)
    db.session.commit()

    message = _message(message_id)
    assert mailbox.arrived() == []
    assert message.status is MessageStatus.QUEUED and message.not_before == NEXT_8AM
    (scheduled,) = events(account, "message_scheduled")
    assert scheduled.data["reason"] == "outside_hours" and scheduled.data["until"] == NEXT_8AM.isoformat()

    assert sender.send_due(NEXT_8AM - timedelta(seconds=1)) == 0
    assert sender.send_due(NEXT_8AM) == 1
    assert sender.send_due(NEXT_8AM + timedelta(hours=1)) == 0
    assert len(mailbox.arrived()) == 1


def test_a_message_the_person_asked_for_goes_at_night(make_account, mailbox):
    account = make_account()
    _queue(account, at=NIGHT, debtor_initiated=True)
    db.session.commit()
    assert len(mailbox.wait_for(1)) == 1


def test_an_opt_out_after_queueing_is_obeyed_when_it_would_go(make_account, mailbox):
    account = make_account()
    message_id = _queue(account, at=NIGHT)
    db.session.commit()
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()

    assert sender.send_due(NEXT_8AM) == 0

    message = _message(message_id)
    assert message.status is MessageStatus.REFUSED and message.reason == "opted_out"
    assert events(account, "note_not_sent")[0].data["reason"] == "opted_out"
    assert mailbox.arrived() == []


def test_an_account_put_on_hold_is_not_contacted(make_account, mailbox):
    account = make_account()
    message_id = _queue(account, at=NIGHT)
    db.session.commit()
    account.on_hold = True
    db.session.commit()

    sender.send_due(NEXT_8AM)

    assert _message(message_id).reason == "on_hold"
    assert mailbox.arrived() == []


def test_the_contact_limit_counts_seven_days_across_messages_and_then_lets_one_more_go(
    make_account, mailbox, runner
):
    account = make_account()
    days = [MORNING - timedelta(days=6), MORNING - timedelta(days=3), MORNING - timedelta(hours=1)]
    for number, moment in enumerate(days):
        _queue(account, key=f"note:{number}", at=moment)
        db.session.commit()
        sender.send_due(moment)
    assert len(mailbox.arrived()) == 3

    fourth = _queue(account, key="note:4", at=MORNING)
    db.session.commit()

    message = _message(fourth)
    # The oldest of the three leaves the 7 days at its own time of day, 7 days on.
    assert message.status is MessageStatus.QUEUED and message.not_before == days[0] + timedelta(days=7)
    assert events(account, "message_scheduled")[-1].data["reason"] == "contact_limit"
    assert sender.send_due(days[0] + timedelta(days=7) - timedelta(seconds=1)) == 0
    assert sender.send_due(days[0] + timedelta(days=7)) == 1
    assert len(mailbox.arrived()) == 4

    # A receipt answers the person: it is never held back by the limit.
    _queue(account, key="receipt:x", at=days[0] + timedelta(days=7, minutes=1), debtor_initiated=True)
    db.session.commit()
    assert len(mailbox.wait_for(5)) == 5


def test_the_limit_is_the_creditors_policy_setting(make_account, mailbox, runner):
    account = make_account()
    result = runner.invoke(args=["set-policy", "acme", "--contact-limit-7d", "1"])
    assert result.exit_code == 0, result.output
    _queue(account, key="note:1", at=MORNING)
    db.session.commit()
    second = _queue(account, key="note:2", at=MORNING + timedelta(minutes=5))
    db.session.commit()
    assert len(mailbox.arrived()) == 1
    assert _message(second).not_before == MORNING + timedelta(days=7)

    refused = runner.invoke(args=["set-policy", "acme", "--contact-limit-7d", "0"])
    assert refused.exit_code != 0 and "contact_limit_7d must be between 1 and 50" in refused.output


@pytest.fixture
def smtp_down(app):
    from tests.helpers.servers import free_port

    working = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    yield lambda: app.config.update(SMTP_PORT=working)
    app.config["SMTP_PORT"] = working


def test_a_transient_failure_is_retried_with_growing_waits(make_account, mailbox, smtp_down):
    account = make_account()
    message_id = _queue(account)
    db.session.commit()

    waits = []
    moment = MORNING
    for _ in range(3):
        message = _message(message_id)
        waits.append(message.not_before - moment)
        moment = message.not_before
        sender.send_due(moment)
    assert waits == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    smtp_down()
    sender.send_due(_message(message_id).not_before)
    assert _message(message_id).status is MessageStatus.SENT
    # The first try, as the cause committed, and the three retries.
    assert [e.data["outcome"] for e in events(account, "note_failed")] == ["queued"] * 4


def test_an_address_the_server_refuses_for_good_is_bounced_not_retried(make_account, mailbox):
    account = make_account(email=f"nobody@{REFUSED_DOMAIN}")  # the test SMTP server answers 550
    message_id = _queue(account)
    db.session.commit()

    message = _message(message_id)
    assert message.status is MessageStatus.BOUNCED, message.reason
    assert message.reason == "SMTPRecipientsRefused 550"
    assert events(account, "note_failed")[0].data["outcome"] == "bounced"
    assert sender.send_due(MORNING + timedelta(days=2)) == 0


CRASH_AFTER_SENDING = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime
    from portal import create_app, timeline
    from portal.notify import sender

    real_record = timeline.record

    def crash_once_sent(account, kind, *args, **data):
        if kind.endswith("_sent"):
            os._exit(3)  # the provider took it; the process dies before recording that
        return real_record(account, kind, *args, **data)

    timeline.record = crash_once_sent
    app = create_app()
    with app.app_context():
        sender.send_one(int(sys.argv[1]), datetime.fromisoformat(sys.argv[2]))
    """
)


def test_a_sender_that_dies_after_the_provider_took_it_never_sends_it_again(
    app, make_account, mailbox, task_queue
):
    account = make_account()
    task_queue.immediate = False  # leave the message for the process below
    message_id = _queue(account)
    db.session.commit()
    task_queue.storage.flush_all()
    task_queue.immediate = True

    env = {**os.environ, **{k: str(v) for k, v in _child_env(app).items()}}
    died = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", CRASH_AFTER_SENDING, str(message_id), MORNING.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert died.returncode == 3, died.stderr[-2000:]
    assert len(mailbox.wait_for(1)) == 1
    assert _message(message_id).status is MessageStatus.SENDING

    # Within its lease nobody touches it; after, it is marked unconfirmed, never sent again.
    assert sender.send_due(MORNING + timedelta(minutes=1)) == 0
    assert _message(message_id).status is MessageStatus.SENDING
    assert sender.send_due(MORNING + sender.LEASE + timedelta(seconds=1)) == 0
    assert _message(message_id).status is MessageStatus.UNCONFIRMED
    assert sender.send_due(MORNING + timedelta(days=3)) == 0
    assert len(mailbox.arrived()) == 1
    assert events(account, "message_unconfirmed")[0].data["message_id"] == message_id


def _child_env(app) -> dict:
    """The settings a child process needs to be this test's portal (its database, its servers)."""
    config = app.config
    return {
        "PORTAL_ENV": "test",
        "SECRET_KEY": config["SECRET_KEY"],
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_HOST": config["SMTP_HOST"],
        "SMTP_PORT": config["SMTP_PORT"],
        "STRIPE_SECRET_KEY": config["STRIPE_SECRET_KEY"],
        "STRIPE_PUBLISHABLE_KEY": config["STRIPE_PUBLISHABLE_KEY"],
        "STRIPE_API_BASE": config["STRIPE_API_BASE"],
        "STRIPE_WEBHOOK_SECRET": config["STRIPE_WEBHOOK_SECRET"],
        "PORTAL_BASE_URL": config["PORTAL_BASE_URL"],
    }


def test_a_claimed_batch_is_never_larger_than_asked(make_account, task_queue):
    """PostgreSQL may run an `IN (subquery ... LIMIT n SKIP LOCKED)` once per row it updates and so
    claim every due message: the claim must take *size* and leave the rest to other senders."""
    account = make_account()
    task_queue.immediate = False  # queued only: this test claims them itself
    queued = [_queue(account, key=f"note:{n}") for n in range(5)]
    db.session.commit()
    task_queue.storage.flush_all()
    task_queue.immediate = True

    assert sender._claim_batch(MORNING, 2) == queued[:2]
    assert sender._claim_batch(MORNING, 2) == queued[2:4]
    db.session.expire_all()
    assert _message(queued[4]).status is MessageStatus.QUEUED
