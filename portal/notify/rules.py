"""The one place every sender asks before contacting a person, and why the answer was no."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.accounts import policies
from portal.domain import contact
from portal.extensions import db
from portal.models import Account, Debtor, Message, MessageStatus, OptOut

#: Reason codes, recorded on the timeline when a message is not sent.
NO_ADDRESS = "no_address"
OPTED_OUT = "opted_out"
OUTSIDE_HOURS = "outside_hours"
ON_HOLD = "on_hold"
OVER_LIMIT = "contact_limit"
#: Contact is paused (`Account.reminders_paused_until`: a collector's pause, a promise to pay, a
#: hardship call-back request): emails and texts we start wait until the day after it.
PAUSED = "paused"
#: Reasons that pass with time: a message held back for one of them waits for its moment.
WAIT_REASONS = (OUTSIDE_HOURS, OVER_LIMIT, PAUSED)

#: Kinds a pause does not hold: the reminder a person is promised for the day before the date they
#: said they would pay goes on the last day of the pause that promise made (`request_notices`);
#: and the answers to what the person asked us (their offer, their dispute), which they are waiting
#: for, go within their hours whatever pause they asked for.
PAUSE_PASSES = frozenset({"promise_reminder", "offer_decision", "dispute_outcome"})
#: Kinds an account's hold does not stop: telling a person we closed their account asks nothing
#: of them, so it goes while a dispute is open too (contact hours, a pause and opt-outs apply).
HOLD_PASSES = frozenset({"account_closed_notice"})

EMAIL = "email"
SMS = "sms"
PHONE = "phone"
POST = "post"
#: Every way we may reach a person; each one is asked about through `channel_allowed`.
CHANNELS = (EMAIL, SMS, PHONE, POST)


def contact_zone(account: Account) -> str:
    """The IANA zone whose clock decides contact hours: the account's, else its creditor's."""
    return account.timezone or account.creditor.timezone


def opted_out(debtor: Debtor, channel: str) -> bool:
    """True when the person asked us to stop using *channel* ("email", ...)."""
    found = db.session.scalar(
        select(OptOut.id).where(OptOut.debtor_id == debtor.id, OptOut.channel == channel).limit(1)
    )
    return found is not None


def has_address(debtor: Debtor, channel: str) -> bool:
    """True when we hold somewhere to send *channel* to: an email address, a phone number (for
    texts and calls) or, for post, a postal code (the only part of an address we keep)."""
    if channel == EMAIL:
        return bool(debtor.email)
    if channel in (SMS, PHONE):
        return bool(debtor.phone)
    if channel == POST:
        return bool(debtor.postal_code)
    raise ValueError(f"unknown contact channel {channel!r}")


def channel_allowed(
    debtor: Debtor,
    account: Account,
    channel: str,
    now: datetime,
    *,
    debtor_initiated: bool = False,
    kind: str | None = None,
) -> tuple[bool, str]:
    """May we reach *debtor* about *account* by *channel* at *now* (aware)? (True, "") or
    (False, reason code). Every sender of every channel asks here.

    Reasons, first match wins: nowhere to send it, the person stopped this channel, the account
    is on hold (`contact_allowed`), (for email and texts) contact is paused, (except for post,
    which arrives whenever it arrives) a time outside 08:00–21:00 on their clock, or (for email
    and texts) the creditor's limit of messages in 7 days already reached.
    *debtor_initiated* is for answering the person (a receipt right after they paid): that is
    not calling on them, so the contact hours, a pause and an account's hold do not apply. An
    opt-out always does. *kind* is the message's kind, for the few that PAUSE_PASSES or
    HOLD_PASSES let through. A pause never stops a phone call: the console's call page weighs a
    collector's pause itself, and a person who asked to be called back must still be called.
    """
    if not has_address(debtor, channel):
        return False, NO_ADDRESS
    if opted_out(debtor, channel):
        return False, OPTED_OUT
    allowed, reason = contact_allowed(account, debtor_initiated=debtor_initiated, kind=kind)
    if not allowed:
        return False, reason
    if (
        channel in (EMAIL, SMS)
        and not debtor_initiated
        and kind not in PAUSE_PASSES
        and paused_until(account, now) is not None
    ):
        return False, PAUSED
    if (
        channel != POST
        and not debtor_initiated
        and not contact.within_contact_hours(now, contact_zone(account))
    ):
        return False, OUTSIDE_HOURS
    if channel in (EMAIL, SMS) and not debtor_initiated and next_under_limit(debtor, account, now) > now:
        return False, OVER_LIMIT
    return True, ""


def paused_until(account: Account, now: datetime) -> date | None:
    """The last day of a pause on contact still running at *now* on the person's calendar, else
    None: up to and including `reminders_paused_until`, as the plan reminders read it."""
    until = account.reminders_paused_until
    if until is not None and contact.local_date(now, contact_zone(account)) <= until:
        return until
    return None


#: What the contact limit counts: every message that went, or may have gone.
COUNTED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNCONFIRMED)


def contact_limit(account: Account) -> int:
    """The creditor's limit of messages to one person in any 7 days."""
    return policies.rules(policies.current(account.creditor)).contact_limit_7d


def next_under_limit(debtor: Debtor, account: Account, now: datetime) -> datetime:
    """The first moment at or after *now* when one more message may go to *debtor* under the
    creditor's limit of messages in any 7 days (across channels, counting all the portal sent)."""
    sent = db.session.scalars(
        select(Message.sent_at).where(
            Message.debtor_id == debtor.id,
            Message.status.in_(COUNTED),
            Message.sent_at > now - contact.LIMIT_WINDOW,
        )
    ).all()
    return contact.next_under_limit(list(sent), now, contact_limit(account))


def next_moment(debtor: Debtor, account: Account, reason: str, now: datetime) -> datetime:
    """When a message held back for *reason* (one of WAIT_REASONS) may be tried again."""
    zone = contact_zone(account)
    if reason == OUTSIDE_HOURS:
        return contact.next_contact_time(now, zone)
    if reason == PAUSED:
        until = paused_until(account, now)
        if until is None:
            return now
        # The first hour of contact on the day after the pause, on the person's clock.
        day_after = datetime.combine(until + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
        return contact.next_contact_time(max(day_after, now), zone)
    return next_under_limit(debtor, account, now)


def wait_days(debtor: Debtor, account: Account, reason: str, now: datetime) -> int:
    """Whole days a message held back for *reason* may wait (0 when it may go now), so that a link
    written into it can be made to last that much longer: its days count from when it goes."""
    if reason not in WAIT_REASONS:
        return 0
    waited = next_moment(debtor, account, reason, now) - now
    return waited.days + (1 if waited.seconds or waited.microseconds else 0)


def contact_allowed(
    account: Account, *, debtor_initiated: bool = False, kind: str | None = None
) -> tuple[bool, str]:
    """May we reach out about *account* at all, on any channel? (True, "") or (False, reason code).

    An account on hold (an open dispute) is not being collected: no reminders, notices or new
    links until the dispute is resolved. Answering the person (the dispute confirmation, a
    receipt for a payment they chose to make) is not collecting, so *debtor_initiated* passes,
    and so does a message of a kind in HOLD_PASSES (telling them the account is closed).
    """
    if account.on_hold and not debtor_initiated and kind not in HOLD_PASSES:
        return False, ON_HOLD
    return True, ""


def email_allowed(
    debtor: Debtor,
    account: Account,
    now: datetime,
    *,
    debtor_initiated: bool = False,
    kind: str | None = None,
) -> tuple[bool, str]:
    """May we email *debtor* about *account* at *now* (aware)? (True, "") or (False, reason code).

    *debtor_initiated* is for answering the person (a receipt right after they paid): that is
    not calling on them, so the contact hours, a pause and an account's hold do not apply. An
    opt-out always does. *kind* as for `channel_allowed`.
    """
    return channel_allowed(debtor, account, EMAIL, now, debtor_initiated=debtor_initiated, kind=kind)


def may_call(debtor: Debtor, account: Account, now: datetime) -> tuple[bool, str]:
    """May a collector phone *debtor* about *account* at *now*? For call lists; same answers as
    `channel_allowed` for "phone"."""
    return channel_allowed(debtor, account, PHONE, now)
