"""`flask --app wsgi send-link`: issue a link to one person and send it, within their rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.collector.commands import find_account
from portal.extensions import db
from portal.links import messages as link_messages
from portal.models import Account, Message, MessageStatus
from portal.notify import outbox, rules, sender, sms

CHANNEL_NAMES = {rules.EMAIL: "email", rules.SMS: "text message"}


def reason_words(reason: str, channel: str, account: Account, now: datetime) -> str:
    """A rule's reason code in a collector's words."""
    what = CHANNEL_NAMES.get(channel, channel)
    if reason == rules.NO_ADDRESS:
        return "no email address on record" if channel == rules.EMAIL else "no phone number on record"
    if reason == rules.OPTED_OUT:
        return f"the person asked us to stop sending them {what}s"
    if reason == rules.ON_HOLD:
        return "the account is on hold while a dispute is reviewed"
    if reason == rules.PAUSED:
        until = rules.paused_until(account, now)
        at = local_time(rules.next_moment(account.debtor, account, reason, now), account)
        return f"contact is paused to the end of {until.isoformat() if until else 'today'}; it may go at {at}"
    if reason == rules.OVER_LIMIT:
        limit = rules.contact_limit(account)
        at = local_time(rules.next_under_limit(account.debtor, account, now), account)
        return f"over the contact limit of {limit} messages in 7 days; the next may go at {at}"
    if reason in ("no_sms", "no_sms_provider"):
        return "text messages are not set up here (see TWILIO_ACCOUNT_SID in the README)"
    if reason == "not_a_phone_number":
        return "the phone number on record is not one a text can go to"
    if reason == f"twilio_{sms.UNSUBSCRIBED}":
        return "the person replied STOP to our texts (recorded as their opt-out)"
    if reason.startswith("twilio_") and reason[7:].isdigit() and int(reason[7:]) in sms.UNREACHABLE:
        return f"the number cannot receive text messages (Twilio error {reason[7:]})"
    return reason


def local_time(moment: datetime, account: Account) -> str:
    """*moment* on the person's clock, as a collector reads it: 08:00 on 2027-01-16 (Zone/Name)."""
    zone = rules.contact_zone(account)
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M} on {local:%Y-%m-%d} ({zone})"


def choose_channel(account: Account, asked: str, now: datetime) -> tuple[str, str]:
    """(channel, "") to send on, or (channel, reason) it may not be sent on at all now.

    "preferred" is the person's chosen channel, falling back to the other one when the chosen
    one is refused; being outside contact hours is no reason to switch (both wait alike).
    """
    if asked != "preferred":
        return asked, _refusal(account, asked, now)
    debtor = account.debtor
    first = rules.SMS if debtor.preferred_channel == rules.SMS else rules.EMAIL
    second = rules.EMAIL if first == rules.SMS else rules.SMS
    refused = _refusal(account, first, now)
    if refused and not _refusal(account, second, now):
        return second, ""
    return first, refused


def _refusal(account: Account, channel: str, now: datetime) -> str:
    """Why *channel* may not be used for *account* at all now ("" when it may, at once or later:
    outside the hours, or while contact is paused, the message waits for its moment)."""
    if channel == rules.SMS and not sender.sms_available():
        return "no_sms"
    allowed, reason = rules.channel_allowed(account.debtor, account, channel, now)
    return "" if allowed or reason in (rules.OUTSIDE_HOURS, rules.PAUSED) else reason


def outcome_line(message: Message, account: Account, now: datetime) -> str:
    """What became of *message*, in one line."""
    how = CHANNEL_NAMES.get(message.channel, message.channel)
    if message.status in outbox.GONE:
        return f"Sent: message {message.id} by {how} to {message.to_address}"
    if message.status is MessageStatus.QUEUED and message.tries == 0 and message.not_before > now:
        why = "the first moment within 08:00-21:00 on the person's clock"
        until = rules.paused_until(account, now)
        if until is not None:
            why += f" after the pause on contact to the end of {until.isoformat()}"
        at = local_time(message.not_before, account)
        return f"Scheduled: message {message.id} by {how} goes at {at}, {why}"
    if message.status in outbox.WAITING:
        retry = f"; it is tried again at {message.not_before.isoformat()}" if message.reason else ""
        return (
            f"Queued: message {message.id} by {how}{retry} ({message.reason or 'the task runner sends it'})"
        )
    if message.status is MessageStatus.UNCONFIRMED:
        return (
            f"Unconfirmed: message {message.id} by {how} to {message.to_address} may have gone "
            "(the provider did not answer); it is not sent again"
        )
    reason = reason_words(message.reason or "", message.channel, account, now)
    return f"Not sent: message {message.id} by {how}, {message.status.value}: {reason}"


@click.command("send-link")
@click.argument("reference")
@click.option("--creditor", "creditor_slug", help="Creditor slug, when references repeat across creditors.")
@click.option(
    "--channel", type=click.Choice(["email", "sms", "preferred"]), default="preferred", show_default=True
)
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Days until the link expires.")
@click.option("--now", default=None, help="act as if it were this time (ISO 8601 with a zone)")
def send_link_command(reference, creditor_slug, channel, days, now):
    """Issue a link for one account and send it by email or text message, within the person's
    rules; prints what happened in one line (exit status 1 when it was not sent)."""
    moment = clock.moment_option(now)
    account = find_account(reference, creditor_slug)
    where = f"{account.creditor.slug}/{account.reference}"
    chosen, refused = choose_channel(account, channel, moment)
    if refused:
        why = reason_words(refused, chosen, account, moment)
        click.echo(f"Not sent to {where} by {CHANNEL_NAMES[chosen]}: {why}")
        raise SystemExit(1)
    message = link_messages.queue(
        account, chosen, key=f"link:{uuid.uuid4().hex}", days=days, unlock=True, not_before=moment
    )
    message_id = message.id
    db.session.commit()
    # A command is no request: it may wait for the provider, so the collector learns the outcome
    # now. (When the task runner took the message first, this does nothing.)
    sender.send_one(message_id, moment)
    message = db.session.scalar(select(Message).where(Message.id == message_id))
    db.session.refresh(message)
    line = outcome_line(message, account, moment)
    click.echo(f"{line} ({where})")
    if message.status not in (*outbox.GONE, *outbox.WAITING):
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(send_link_command)
