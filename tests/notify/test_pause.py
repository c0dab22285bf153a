"""A pause on contact (a collector's, a promise's or a hardship request's) makes every email and
text message we start wait until the day after it, at the start of the person's contact hours; an
answer to the person (a receipt) goes at once, a phone call is not the pause's to stop, and the
reminder a promise brings goes on the last day of its own pause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.links import messages as link_messages
from portal.models import MagicLink, Message, MessageStatus, Payment
from portal.notify import plan_notices, promise_emails, receipts, rules, sender
from tests.helpers.plans import plan_rows
from tests.helpers.records import events

NEW_YORK = ZoneInfo("America/New_York")
# 14:00 UTC on Friday 15 January 2027: 09:00 in New York, the creditor's zone.
MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
LAST_DAY = date(2027, 1, 20)
# The first moment after the pause: 08:00 on 21 January in New York.
DAY_AFTER = datetime(2027, 1, 21, 8, 0, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
def paused(make_account):
    """Jane's account, its contact paused to the end of 20 January on her calendar; a phone too."""
    account = make_account()
    account.reminders_paused_until = LAST_DAY
    account.debtor.phone = "+12175550199"
    db.session.commit()
    return account


def _messages(account) -> list[Message]:
    db.session.expire_all()
    return db.session.scalars(select(Message).where(Message.account_id == account.id)).all()


# --- The rule ------------------------------------------------------------------------------------


def test_a_pause_holds_email_and_texts_we_start_to_its_last_day(paused):
    debtor = paused.debtor
    for channel in (rules.EMAIL, rules.SMS):
        assert rules.channel_allowed(debtor, paused, channel, MORNING) == (False, rules.PAUSED)
        # 23:00 on the last day in New York is still paused; 08:00 the day after is not.
        last_night = datetime(2027, 1, 20, 23, 0, tzinfo=NEW_YORK)
        assert rules.channel_allowed(debtor, paused, channel, last_night) == (False, rules.PAUSED)
        assert rules.channel_allowed(debtor, paused, channel, DAY_AFTER) == (True, "")
    assert rules.PAUSED in rules.WAIT_REASONS


def test_answers_calls_and_the_promise_reminder_pass_a_pause(paused):
    debtor = paused.debtor
    assert rules.email_allowed(debtor, paused, MORNING, debtor_initiated=True) == (True, "")
    assert rules.channel_allowed(debtor, paused, rules.SMS, MORNING, debtor_initiated=True) == (True, "")
    # A call-back request must still be called: the call page weighs a collector's pause itself.
    assert rules.may_call(debtor, paused, MORNING) == (True, "")
    assert rules.channel_allowed(debtor, paused, rules.POST, MORNING) == (True, "")
    assert promise_emails.KIND in rules.PAUSE_PASSES
    assert rules.email_allowed(debtor, paused, MORNING, kind=promise_emails.KIND) == (True, "")
    # ... but not outside the hours: answering later is not answering at once.
    night = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)
    assert rules.email_allowed(debtor, paused, night, kind=promise_emails.KIND) == (
        False,
        rules.OUTSIDE_HOURS,
    )


def test_a_hold_and_an_opt_out_still_come_before_a_pause(paused):
    paused.on_hold = True
    db.session.commit()
    assert rules.email_allowed(paused.debtor, paused, MORNING) == (False, rules.ON_HOLD)
    paused.debtor.email = None
    assert rules.email_allowed(paused.debtor, paused, MORNING) == (False, rules.NO_ADDRESS)


def test_the_wait_ends_at_the_start_of_the_persons_hours_the_day_after(paused):
    assert rules.next_moment(paused.debtor, paused, rules.PAUSED, MORNING) == DAY_AFTER
    paused.timezone = "Pacific/Honolulu"  # UTC-10: the 20th ends there ten hours after UTC's
    db.session.commit()
    assert rules.next_moment(paused.debtor, paused, rules.PAUSED, MORNING) == datetime(
        2027, 1, 21, 18, 0, tzinfo=UTC
    )
    assert rules.wait_days(paused.debtor, paused, rules.PAUSED, MORNING) == 7


# --- The outbox ----------------------------------------------------------------------------------


def test_a_link_queued_during_a_pause_waits_to_the_day_after_it(paused, mailbox):
    message = link_messages.queue(paused, "email", key="link:paused", not_before=MORNING)
    message_id = message.id
    db.session.commit()  # the task runner (immediate here) tries it at once

    (waiting,) = _messages(paused)
    assert waiting.id == message_id
    assert waiting.status is MessageStatus.QUEUED and waiting.not_before == DAY_AFTER
    assert waiting.tries == 0
    (scheduled,) = events(paused, "message_scheduled")
    assert scheduled.data["reason"] == "paused" and scheduled.data["until"] == DAY_AFTER.isoformat()
    # Its link is issued only when it goes, so its days count from the day after the pause.
    assert db.session.scalars(select(MagicLink)).all() == []
    assert mailbox.arrived() == []

    assert sender.send_due(DAY_AFTER - timedelta(minutes=1)) == 0
    assert sender.send_due(DAY_AFTER) == 1
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "jane@example.com"
    assert len(db.session.scalars(select(MagicLink)).all()) == 1


def test_a_text_message_waits_too(paused, texts):
    link_messages.queue(paused, "sms", key="link:sms", not_before=MORNING)
    db.session.commit()
    (waiting,) = _messages(paused)
    assert waiting.status is MessageStatus.QUEUED and waiting.not_before == DAY_AFTER
    assert texts.sent == []
    assert sender.send_due(DAY_AFTER) == 1
    assert [sent.to for sent in texts.sent] == ["+12175550199"]


def test_a_receipt_during_a_pause_goes_at_once(paused, mailbox):
    payment = Payment(
        account_id=paused.id,
        stripe_payment_intent_id="pi_paused",
        amount=5000,
        currency="USD",
        card_brand="Visa",
        card_last4="4242",
    )
    db.session.add(payment)
    db.session.commit()

    assert receipts.send_receipt(payment) is True

    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "Receipt for your payment to Acme Bank"
    (message,) = _messages(paused)
    assert message.status is MessageStatus.SENT and events(paused, "message_scheduled") == []


def test_a_plan_notice_waits_and_its_link_outlives_the_wait(paused, mailbox, app):
    plan = plan_rows(paused, [(date(2027, 1, 16), 5000)])
    instalment = plan.instalments[0]

    assert plan_notices.payment_declined(instalment, None, MORNING) is True
    db.session.commit()

    (message,) = _messages(paused)
    assert message.kind == "decline_notice"
    assert message.status is MessageStatus.QUEUED and message.not_before == DAY_AFTER
    (link,) = db.session.scalars(select(MagicLink)).all()
    days = app.config["LINK_DAYS"] + rules.wait_days(paused.debtor, paused, rules.PAUSED, MORNING)
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == days
    assert mailbox.arrived() == []


def test_the_answer_to_a_persons_own_offer_or_dispute_is_not_held_by_a_pause(make_account):
    account = make_account()
    account.reminders_paused_until = date(2027, 2, 15)
    db.session.commit()
    morning = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    for kind in ("offer_decision", "dispute_outcome"):
        assert rules.channel_allowed(account.debtor, account, "email", morning, kind=kind) == (True, "")
    assert rules.channel_allowed(account.debtor, account, "email", morning, kind="link") == (
        False,
        rules.PAUSED,
    )
