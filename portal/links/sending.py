"""Sending one link message to a person: which channel it goes on, why it may not go at all,
and in what words a collector reads that. `send-link`, campaigns and the API ask here alike."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from portal.links import messages as link_messages
from portal.models import Account, Message
from portal.notify import rules, sender, sms

CHANNEL_NAMES = {rules.EMAIL: "email", rules.SMS: "text message"}
#: Ways of asking for a channel: one of them, or the person's own choice with a fall-back.
ASKED = ("email", "sms", "preferred")
#: Reasons that do not refuse a link message, only hold it back for its moment.
_WAITS = (rules.OUTSIDE_HOURS, rules.PAUSED)


class Refused(Exception):
    """The message may not be sent on *channel* at all now, for *reason* (a rule's code)."""

    def __init__(self, channel: str, reason: str):
        super().__init__(reason)
        self.channel, self.reason = channel, reason


def send(
    account: Account,
    asked: str,
    now: datetime,
    *,
    days: int | None = None,
    actor: str = "collector",
    unlock: bool = False,
) -> Message:
    """Queue a link message on the channel the rules choose (the caller commits; the outbox hands
    it to the task runner after the commit); raises Refused when it may not go at all."""
    chosen, refused = choose_channel(account, asked, now)
    if refused:
        raise Refused(chosen, refused)
    return link_messages.queue(
        account, chosen, key=f"link:{uuid.uuid4().hex}", days=days, actor=actor, unlock=unlock, not_before=now
    )


def choose_channel(account: Account, asked: str, now: datetime) -> tuple[str, str]:
    """(channel, "") to send on, or (channel, reason) it may not be sent on at all now.

    "preferred" is the person's chosen channel, falling back to the other one when the chosen
    one is refused; being outside contact hours is no reason to switch (both wait alike).
    """
    if asked != "preferred":
        return asked, refusal(account, asked, now)
    debtor = account.debtor
    first = rules.SMS if debtor.preferred_channel == rules.SMS else rules.EMAIL
    second = rules.EMAIL if first == rules.SMS else rules.SMS
    refused = refusal(account, first, now)
    if refused and not refusal(account, second, now):
        return second, ""
    return first, refused


def refusal(account: Account, channel: str, now: datetime) -> str:
    """Why *channel* may not be used for *account* at all now ("" when it may, at once or later:
    outside the hours, or while contact is paused, the message waits for its moment)."""
    if channel == rules.SMS and not sender.sms_available():
        return "no_sms"
    allowed, reason = rules.channel_allowed(account.debtor, account, channel, now)
    return "" if allowed or reason in _WAITS else reason


def waits_until(account: Account, channel: str, now: datetime) -> datetime | None:
    """When a message on *channel* allowed now will go, if not at once (contact hours, a pause)."""
    allowed, reason = rules.channel_allowed(account.debtor, account, channel, now)
    if allowed or reason not in _WAITS:
        return None
    return rules.next_moment(account.debtor, account, reason, now)


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
