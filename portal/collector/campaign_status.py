"""A campaign's funnel: from messages queued to money collected.

A payment counts for the campaign whose link the debtor opened: the link of the latest verified
session the account had begun before the payment was made.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Campaign, DebtorSession, Event, Message, MessageStatus, Payment

#: Events that mean the person chose what to do: pay, a plan, an offer, a promise, a call, a dispute.
CHOICES = (
    "payment_started",
    "plan_agreed",
    "offer_made",
    "promise_made",
    "callback_requested",
    "dispute_opened",
)


@dataclass
class Funnel:
    queued: int = 0
    #: Waiting for their moment (the person's morning, the contact limit).
    scheduled: int = 0
    #: Waiting to go now, or going.
    waiting: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    unconfirmed: int = 0
    refused: Counter = field(default_factory=Counter)
    link_opened: int = 0
    identity_confirmed: int = 0
    option_chosen: int = 0
    paid: int = 0
    #: {currency: minor units}
    collected: dict = field(default_factory=dict)


def funnel(campaign: Campaign, now: datetime) -> Funnel:
    """Count each step of *campaign*'s funnel as of *now*."""
    result = Funnel()
    rows = db.session.execute(
        select(Message.status, Message.reason, func.count())
        .where(Message.campaign_id == campaign.id)
        .group_by(Message.status, Message.reason)
    ).all()
    result.scheduled = db.session.scalar(
        select(func.count())
        .select_from(Message)
        .where(
            Message.campaign_id == campaign.id,
            Message.status == MessageStatus.QUEUED,
            Message.not_before > now,
        )
    )
    for status, reason, count in rows:
        result.queued += count
        if status in (MessageStatus.QUEUED, MessageStatus.SENDING):
            result.waiting += count  # less those scheduled, below
        elif status is MessageStatus.REFUSED:
            result.refused[reason or "unknown"] += count
        elif status in (MessageStatus.FAILED, MessageStatus.BOUNCED):
            result.failed += count
        elif status is MessageStatus.UNCONFIRMED:
            result.unconfirmed += count
        if status in (MessageStatus.SENT, MessageStatus.DELIVERED):
            result.sent += count
        if status is MessageStatus.DELIVERED:
            result.delivered += count
    result.waiting -= result.scheduled
    links = dict(
        db.session.execute(
            select(Message.link_id, Message.account_id).where(
                Message.campaign_id == campaign.id, Message.link_id.is_not(None)
            )
        ).all()
    )
    if not links:
        return result
    _after_the_link(result, links)
    return result


def _after_the_link(result: Funnel, links: dict[int, int]) -> None:
    accounts = set(links.values())
    opened = {
        data.get("link_id")
        for data in db.session.scalars(
            select(Event.data).where(Event.kind == "link_opened", Event.account_id.in_(accounts))
        )
    }
    result.link_opened = len(opened & set(links))
    sessions = db.session.execute(
        select(DebtorSession.account_id, DebtorSession.link_id, DebtorSession.created_at)
        .where(DebtorSession.account_id.in_(accounts))
        .order_by(DebtorSession.created_at)
    ).all()
    by_account = defaultdict(list)
    for account_id, link_id, created_at in sessions:
        by_account[account_id].append((created_at, link_id))
    result.identity_confirmed = len({link_id for _, link_id, _ in sessions if link_id in links})
    first_ours = {
        account_id: min(at for at, link_id in entries if link_id in links)
        for account_id, entries in by_account.items()
        if any(link_id in links for _, link_id in entries)
    }
    chose = db.session.execute(
        select(Event.account_id, Event.created_at).where(
            Event.kind.in_(CHOICES), Event.account_id.in_(list(first_ours))
        )
    ).all()
    result.option_chosen = len({a for a, at in chose if at >= first_ours[a]})
    paid_accounts = set()
    collected: Counter = Counter()
    payments = db.session.execute(
        select(Payment.account_id, Payment.amount, Payment.refunded, Payment.currency, Payment.paid_at).where(
            Payment.account_id.in_(list(first_ours))
        )
    ).all()
    for account_id, amount, refunded, currency, paid_at in payments:
        before = [link_id for at, link_id in by_account[account_id] if at <= paid_at]
        if before and before[-1] in links:
            paid_accounts.add(account_id)
            collected[currency] += amount - (refunded or 0)
    result.paid = len(paid_accounts)
    result.collected = dict(collected)
