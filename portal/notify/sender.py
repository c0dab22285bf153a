"""The task runner's side of the outbox: take a message that is due, ask the contact rules at
sending time, send it through its channel, and record what happened, once.

A message is claimed under a lease in a committed UPDATE before anything else, so two runners
never hold it at once. Its text is committed before the provider is called, and the provider is
called at most once per claim: a runner that stops between the call and the record leaves the
message "sending" until its lease runs out, and the sweep then marks it unconfirmed instead of
sending it again (for a text message the provider's status callback may still settle it).
A message the rules hold back for the hour, the contact limit or a pause on contact waits for its
moment; one they refuse (an opt-out, no address, an account on hold) is refused with the reason. A transient
failure is tried again with back-off; a permanent one (a bounce, an invalid number) is final.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal import timeline
from portal.domain import phones
from portal.extensions import db
from portal.models import Message, MessageStatus
from portal.notify import mailer, optout, outbox, rules, sms

log = logging.getLogger("portal.outbox")

#: How long a claim lasts: far longer than any provider call (their timeouts are 10-30 s).
LEASE = timedelta(minutes=5)
#: The first retry waits this long, each later one twice as long; after RETRIES it is failed.
RETRY_AFTER = timedelta(minutes=5)
RETRIES = 8


class NotSent(Exception):
    """A channel did not send: *code* says why, *transient* whether trying again may help."""

    def __init__(self, code: str, *, transient: bool, bounced: bool = False, maybe_sent: bool = False):
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.bounced = bounced
        #: The provider may have taken it (no answer came): never sent again, marked unconfirmed.
        self.maybe_sent = maybe_sent


#: How many due messages one sender claims at a time; several senders take different ones.
BATCH = 50


def send_due(now: datetime, limit: int | None = None) -> int:
    """Send every message whose moment has come, a claimed batch at a time; the number that went.
    Messages whose sender stopped mid-call (lease run out) are marked unconfirmed first.

    Several senders may run at once (task runner workers draining a campaign): each batch is
    claimed with FOR UPDATE SKIP LOCKED, so they take different messages and none is sent twice.
    """
    _settle_abandoned(now)
    sent = taken = 0
    while limit is None or taken < limit:
        ids = _claim_batch(now, BATCH if limit is None else min(BATCH, limit - taken))
        if not ids:
            break
        taken += len(ids)
        sent += sum(1 for message_id in ids if _send_claimed(message_id, now) in outbox.GONE)
    return sent


def send_one(message_id: int, now: datetime) -> MessageStatus | None:
    """Send one message if it is due and nobody holds it; its status after, None if not taken."""
    if not _claim(message_id, now):
        return None
    return _send_claimed(message_id, now)


def _claim_batch(now: datetime, size: int) -> list[int]:
    due = (
        select(Message.id)
        .where(Message.status == MessageStatus.QUEUED, Message.not_before <= now)
        .order_by(Message.not_before, Message.id)
        .limit(size)
        .with_for_update(skip_locked=True)
        # A CTE, run once: PostgreSQL may run an `IN (subquery)` again for each row it updates,
        # each run skipping the rows the last one locked, and so claim more than *size*.
        .cte("due")
    )
    ids = db.session.scalars(
        update(Message)
        .where(Message.id == due.c.id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, lease_until=now + LEASE, tries=Message.tries + 1)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(ids)


def _send_claimed(message_id: int, now: datetime) -> MessageStatus:
    """Send a message this sender has claimed: ask the rules, write it if need be, send, record."""
    message = db.session.get(Message, message_id)
    account, debtor = message.account, message.debtor
    channel = _channel(message, now)
    allowed, reason = rules.channel_allowed(
        debtor, account, channel, now, debtor_initiated=message.debtor_initiated, kind=message.kind
    )
    if not allowed:
        return _held_back(message, reason, now)
    message.channel = channel
    if message.body is None:
        try:
            outbox.render_late(message, now)
        except Exception as error:  # noqa: BLE001 - a message that cannot be written is failed, not stuck
            log.exception("could not write message %s", message_id)
            db.session.rollback()
            message = db.session.get(Message, message_id)
            return _failed(message, NotSent(type(error).__name__, transient=False), now)
    message.to_address = debtor.email if channel == rules.EMAIL else debtor.phone
    db.session.commit()  # what is about to be said is on record before it is said
    try:
        message.provider_id = _deliver(message)
    except NotSent as error:
        return _failed(message, error, now)
    message.status = MessageStatus.SENT
    message.sent_at = message.status_at = now
    message.lease_until = None
    timeline.record(account, f"{message.kind}_sent", message_id=message.id, channel=channel, **message.facts)
    db.session.commit()
    return message.status


def _claim(message_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.QUEUED, Message.not_before <= now)
        .values(status=MessageStatus.SENDING, lease_until=now + LEASE, tries=Message.tries + 1)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _channel(message: Message, now: datetime) -> str:
    """The channel to use: the message's own, or for "preferred" the person's choice when the
    rules allow it now and else the other one."""
    if message.channel != "preferred":
        return message.channel
    debtor, account = message.debtor, message.account
    first = rules.SMS if debtor.preferred_channel == rules.SMS else rules.EMAIL
    other = rules.EMAIL if first == rules.SMS else rules.SMS
    if not rules.channel_allowed(debtor, account, first, now)[0] and _reachable(message, other, now):
        return other
    return first


def _reachable(message: Message, channel: str, now: datetime) -> bool:
    if channel == rules.SMS and not sms_available():
        return False
    return rules.channel_allowed(message.debtor, message.account, channel, now)[0]


def sms_available() -> bool:
    """True when the portal can send text messages (a provider, or the console in development)."""
    return sms.sms_available(current_app.config)


def _held_back(message: Message, reason: str, now: datetime) -> MessageStatus:
    account = message.account
    message.lease_until = None
    message.tries -= 1  # nothing was tried
    if reason in rules.WAIT_REASONS:
        message.status = MessageStatus.QUEUED
        message.not_before = rules.next_moment(message.debtor, account, reason, now)
        timeline.record(
            account,
            "message_scheduled",
            message_id=message.id,
            about=message.kind,
            reason=reason,
            until=message.not_before.isoformat(),
        )
    else:
        message.status = MessageStatus.REFUSED
        message.reason = reason
        message.status_at = now
        timeline.record(
            account, f"{message.kind}_not_sent", message_id=message.id, reason=reason, **message.facts
        )
    db.session.commit()
    return message.status


def _failed(message: Message, error: NotSent, now: datetime) -> MessageStatus:
    account = message.account
    message.lease_until = None
    message.reason = error.code[:60]
    message.status_at = now
    if error.maybe_sent:
        message.status = MessageStatus.UNCONFIRMED
        message.sent_at = now  # counted against the contact limit: it may have gone
    elif error.bounced:
        message.status = MessageStatus.BOUNCED
    elif error.transient and message.tries <= RETRIES:
        message.status = MessageStatus.QUEUED
        message.not_before = now + RETRY_AFTER * 2 ** (message.tries - 1)
    else:
        message.status = MessageStatus.FAILED
    timeline.record(
        account,
        f"{message.kind}_failed",
        message_id=message.id,
        channel=message.channel,
        error=message.reason,
        outcome=message.status.value,
        **message.facts,
    )
    db.session.commit()
    return message.status


def _deliver(message: Message) -> str:
    if message.channel == rules.EMAIL:
        return _email(message)
    if message.channel == rules.SMS:
        return _text(message)
    raise NotSent(f"unknown channel {message.channel}", transient=False)


def _email(message: Message) -> str:
    mail = mailer.Mail(
        to=message.to_address or "",
        subject=message.subject or "",
        text=message.body or "",
        html=message.html,
        attachments=outbox.attachments_of(message),
        unsubscribe_url=message.unsubscribe_url,
    )
    try:
        return mailer.deliver(mail, reference=f"outbox-{message.id}")
    except mailer.MailNotSent as error:
        raise NotSent(error.reason, transient=error.transient, bounced=error.bounced) from error


def _text(message: Message) -> str:
    number = phones.normalize_phone(message.to_address)
    if number is None:
        raise NotSent("not_a_phone_number", transient=False, bounced=True)
    message.to_address = number
    callback = f"{current_app.config['PORTAL_BASE_URL']}/sms/status"
    try:
        return sms.current_sender().send(number, message.body or "", status_callback=callback)
    except sms.SmsUnavailable as error:
        raise NotSent("no_sms_provider", transient=False) from error
    except sms.SmsNotSent as error:
        if error.code == f"twilio_{sms.UNSUBSCRIBED}":
            # They replied STOP to our number and the carrier holds it: our records follow.
            optout.record_opt_out(message.debtor, rules.SMS, actor="carrier", commit=False)
        raise NotSent(
            error.code, transient=error.transient, bounced=error.unreachable, maybe_sent=error.maybe_sent
        ) from error


def _settle_abandoned(now: datetime) -> None:
    """Messages whose sender stopped mid-call: they may have gone, so they are never resent."""
    rows = db.session.scalars(
        select(Message)
        .where(Message.status == MessageStatus.SENDING, Message.lease_until < now)
        .with_for_update(skip_locked=True)
    ).all()
    for message in rows:
        message.status = MessageStatus.UNCONFIRMED
        message.status_at = now
        message.sent_at = message.sent_at or now  # counted against the contact limit: it may have gone
        message.lease_until = None
        timeline.record(message.account, "message_unconfirmed", message_id=message.id, about=message.kind)
    db.session.commit()
