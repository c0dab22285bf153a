"""`flask --app wsgi send-link`: issue a link to one person and send it, within their rules."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.collector.commands import find_account
from portal.extensions import db
from portal.links import sending
from portal.links.sending import CHANNEL_NAMES, local_time, reason_words
from portal.models import Account, Message, MessageStatus
from portal.notify import outbox, rules, sender

__all__ = ["outcome_line", "register_commands"]


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
    try:
        message = sending.send(account, channel, moment, days=days, unlock=True)
    except sending.Refused as refused:
        why = reason_words(refused.reason, refused.channel, account, moment)
        click.echo(f"Not sent to {where} by {CHANNEL_NAMES[refused.channel]}: {why}")
        raise SystemExit(1) from None
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
