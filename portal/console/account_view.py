"""Everything the account page shows, gathered in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.itemisation import Itemisation, itemise
from portal.extensions import db
from portal.models import (
    Account,
    Dispute,
    Event,
    MagicLink,
    Message,
    Offer,
    OptOut,
    PaymentAttempt,
    Plan,
    StaffUser,
    SupportRequest,
)
from portal.notify import rules

#: A rule's reason code, in a collector's words.
REASONS = {
    rules.NO_ADDRESS: _l("nothing on record to send it to"),
    rules.OPTED_OUT: _l("the person asked us to stop using this"),
    rules.ON_HOLD: _l("the account is on hold while a dispute is reviewed"),
    rules.OUTSIDE_HOURS: _l("outside 08:00–21:00 on the person's clock; it would wait for the morning"),
    rules.OVER_LIMIT: _l("over the creditor's limit of messages in 7 days; it would wait"),
    rules.PAUSED: _l("contact is paused; it would wait until the day after the pause"),
    "closed": _l("the account is closed"),
    "no_sms": _l("text messages are not set up on this portal"),
}


def reason_text(code: str | None) -> str:
    if not code:
        return ""
    return str(REASONS.get(code, code.replace("_", " ")))


@dataclass(frozen=True)
class ChannelAnswer:
    channel: str
    allowed: bool
    reason: str


@dataclass(frozen=True)
class LinkRow:
    link: MagicLink
    opened: bool
    verified: bool


@dataclass(frozen=True)
class AccountView:
    account: Account
    itemisation: Itemisation
    channels: list[ChannelAnswer]
    opt_outs: list[OptOut]
    links: list[LinkRow]
    messages: list[Message]
    plans: list[Plan]
    attempts: list[PaymentAttempt]
    disputes: list[Dispute]
    offers: list[Offer]
    requests: list[SupportRequest]
    events: list[Event]
    #: The address of each staff member named as an event's actor ("staff:12"), for events
    #: written by services that record the actor alone.
    staff_names: dict[str, str]


def channel_answers(account: Account, now: datetime, sms_ready: bool) -> list[ChannelAnswer]:
    """What `notify/rules.py` says about each channel now."""
    answers = []
    for channel in rules.CHANNELS:
        if channel == rules.SMS and not sms_ready:
            answers.append(ChannelAnswer(channel, False, reason_text("no_sms")))
            continue
        allowed, reason = rules.channel_allowed(account.debtor, account, channel, now)
        answers.append(ChannelAnswer(channel, allowed, reason_text(reason)))
    return answers


def _all(model, account_id: int, order):
    return list(db.session.scalars(select(model).where(model.account_id == account_id).order_by(order)))


def gather(account: Account, now: datetime, sms_ready: bool) -> AccountView:
    links = _all(MagicLink, account.id, MagicLink.created_at.desc())
    events = _all(Event, account.id, Event.seq.desc())
    opened = {e.data.get("link_id") for e in events if e.kind == "link_opened"}
    verified = {e.data.get("link_id") for e in events if e.kind == "identity_confirmed"}
    return AccountView(
        account=account,
        itemisation=itemise(account),
        channels=channel_answers(account, now, sms_ready),
        opt_outs=list(db.session.scalars(select(OptOut).where(OptOut.debtor_id == account.debtor_id))),
        links=[LinkRow(link, link.id in opened, link.id in verified) for link in links],
        messages=_all(Message, account.id, Message.id.desc()),
        plans=_all(Plan, account.id, Plan.created_at.desc()),
        attempts=_all(PaymentAttempt, account.id, PaymentAttempt.created_at.desc()),
        disputes=_all(Dispute, account.id, Dispute.created_at.desc()),
        offers=_all(Offer, account.id, Offer.created_at.desc()),
        requests=_all(SupportRequest, account.id, SupportRequest.created_at.desc()),
        events=events,
        staff_names=_staff_names(events),
    )


def _staff_names(events: list[Event]) -> dict[str, str]:
    ids = {
        int(e.actor.split(":", 1)[1])
        for e in events
        if e.actor.startswith("staff:") and e.actor[6:].isdigit()
    }
    if not ids:
        return {}
    rows = db.session.execute(select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(ids)))
    return {f"staff:{staff_id}": email for staff_id, email in rows}
