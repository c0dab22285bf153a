"""Gathers the accounts that need a person today from the database, for the domain's worklist
order (portal/domain/worklist.py). A bounded number of queries, whatever the number of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import worklist
from portal.domain.offers import reply_by
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    Dispute,
    DisputeStatus,
    Event,
    Instalment,
    InstalmentStatus,
    Message,
    MessageStatus,
    Offer,
    OfferStatus,
    Payment,
    Plan,
    PlanStatus,
    RequestKind,
    RequestStatus,
    SupportRequest,
)
from portal.notify.rules import contact_zone

#: How far back a missed instalment is "just missed".
MISSED_DAYS = 14
#: Days a collector has to answer a dispute before the worklist says it is late (the portal's own
#: service promise; Regulation F sets no deadline, but collection stops until it is answered).
DISPUTE_ANSWER_DAYS = 30
#: How many of the largest balances are weighed for the last group of the list.
BALANCE_CANDIDATES = 200
BALANCE_SHOWN = 20

#: The hour a call-back's preferred part of the day starts, in the person's zone.
CALL_HOURS = {"morning": 9, "afternoon": 13, "evening": 17}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Line:
    """One line of the worklist: the item, its account, and what the page says about it."""

    item: worklist.Item
    account: Account
    days_left: int | None


def next_preferred(
    call_days: str | None, call_times: str | None, zone: str, now: datetime
) -> datetime | None:
    """The next moment inside the days and parts of the day the person chose, or None if none chosen."""
    days = [d for d in (call_days or "").split(",") if d in WEEKDAYS]
    times = [t for t in (call_times or "").split(",") if t in CALL_HOURS]
    if not days and not times:
        return None
    days = days or list(WEEKDAYS[:5])
    times = times or list(CALL_HOURS)
    local = now.astimezone(ZoneInfo(zone))
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        if WEEKDAYS[day.weekday()] not in days:
            continue
        for part in sorted(times, key=CALL_HOURS.get):
            start = datetime.combine(day, time(CALL_HOURS[part]), ZoneInfo(zone))
            # A part of the day already begun still counts until it ends (4 hours later).
            if start + timedelta(hours=4) > local:
                return max(start, local)
    return None


def _scoped(query, creditor_ids: Sequence[int]):
    """*query* limited to these creditors, loading what each line shows in a few batched queries
    rather than one per line."""
    return query.where(Account.creditor_id.in_(creditor_ids)).options(
        selectinload(Account.payments), joinedload(Account.debtor), joinedload(Account.creditor)
    )


def gather(creditor_ids: Sequence[int], now: datetime) -> list[Line]:
    """The worklist for these creditors at *now*, in the domain's order."""
    today = now.date()
    accounts: dict[int, Account] = {}
    items: list[worklist.Item] = []

    def keep(account: Account, item: worklist.Item) -> None:
        accounts[account.id] = account
        items.append(item)

    requests = db.session.execute(
        _scoped(select(SupportRequest, Account).join(Account), creditor_ids).where(
            SupportRequest.status == RequestStatus.OPEN
        )
    ).all()
    for request, account in requests:
        if request.kind is RequestKind.PROMISE and request.promise_date and request.promise_date <= today:
            keep(
                account,
                worklist.Item(
                    account.id, worklist.Why.PROMISE_DUE, request.created_at, due=request.promise_date
                ),
            )
        elif request.kind is RequestKind.HARDSHIP:
            preferred = next_preferred(request.call_days, request.call_times, contact_zone(account), now)
            keep(
                account,
                worklist.Item(account.id, worklist.Why.CALLBACK, request.created_at, preferred=preferred),
            )

    missed = db.session.execute(
        _scoped(
            select(Instalment, Account)
            .join(Plan, Instalment.plan_id == Plan.id)
            .join(Account, Plan.account_id == Account.id),
            creditor_ids,
        ).where(
            Plan.status == PlanStatus.ACTIVE,
            Instalment.status == InstalmentStatus.MISSED,
            Instalment.due_date >= today - timedelta(days=MISSED_DAYS),
        )
    ).all()
    for instalment, account in missed:
        since = datetime.combine(instalment.due_date, time(), now.tzinfo)
        keep(account, worklist.Item(account.id, worklist.Why.PLAN_MISSED, since, due=instalment.due_date))

    for offer, account in db.session.execute(
        _scoped(select(Offer, Account).join(Account), creditor_ids).where(Offer.status == OfferStatus.PENDING)
    ).all():
        keep(
            account,
            worklist.Item(
                account.id, worklist.Why.OFFER, offer.created_at, answer_by=reply_by(offer.created_at.date())
            ),
        )

    for dispute, account in db.session.execute(
        _scoped(select(Dispute, Account).join(Account), creditor_ids).where(
            Dispute.status == DisputeStatus.OPEN
        )
    ).all():
        answer_by = dispute.created_at.date() + timedelta(days=DISPUTE_ANSWER_DAYS)
        keep(
            account, worklist.Item(account.id, worklist.Why.DISPUTE, dispute.created_at, answer_by=answer_by)
        )

    items.extend(_balances(creditor_ids, now, accounts))
    ordered = worklist.order(items)
    return [
        Line(
            item,
            accounts[item.account_id],
            worklist.days_left(item.answer_by, today) if item.answer_by else None,
        )
        for item in ordered
    ]


def _balances(
    creditor_ids: Sequence[int], now: datetime, accounts: dict[int, Account]
) -> list[worklist.Item]:
    """The largest open balances with no plan and no hold, weighed by their chance of payment."""
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.account_id == Account.id)
        .scalar_subquery()
    )
    owed = Account.principal + Account.interest + Account.fees - Account.forgiven - paid
    in_plan = select(Plan.id).where(Plan.account_id == Account.id, Plan.status == PlanStatus.ACTIVE).exists()
    rows = db.session.execute(
        _scoped(select(Account, owed.label("owed")), creditor_ids)
        .where(Account.status == AccountStatus.OPEN, Account.on_hold.is_(False), ~in_plan, owed > 0)
        .order_by(owed.desc(), Account.id)
        .limit(BALANCE_CANDIDATES)
    ).all()
    if not rows:
        return []
    ids = [account.id for account, _ in rows]
    kinds = {
        (account_id, kind)
        for account_id, kind in db.session.execute(
            select(Event.account_id, Event.kind)
            .where(
                Event.account_id.in_(ids),
                Event.kind.in_(("link_opened", "identity_confirmed", "plan_broken")),
            )
            .distinct()
        )
    }
    broken = dict(
        db.session.execute(
            select(Plan.account_id, func.count())
            .where(Plan.account_id.in_(ids), Plan.status == PlanStatus.BROKEN)
            .group_by(Plan.account_id)
        ).all()
    )
    payers = set(db.session.scalars(select(Payment.account_id).where(Payment.account_id.in_(ids)).distinct()))
    contacted = dict(
        db.session.execute(
            select(Message.account_id, func.max(Message.sent_at))
            .where(
                Message.account_id.in_(ids), Message.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED))
            )
            .group_by(Message.account_id)
        ).all()
    )
    items = []
    for account, balance in rows:
        last = contacted.get(account.id)
        chance = worklist.payment_chance(
            opened_link=(account.id, "link_opened") in kinds,
            confirmed_identity=(account.id, "identity_confirmed") in kinds,
            paid_before=account.id in payers,
            broken_plans=broken.get(account.id, 0),
            days_since_contact=(now - last).days if last else None,
        )
        accounts.setdefault(account.id, account)
        items.append(
            worklist.Item(
                account.id,
                worklist.Why.BALANCE,
                account.created_at,
                balance_minor=int(balance),
                chance=chance,
            )
        )
    items.sort(key=lambda item: (-item.balance_minor * item.chance, -item.balance_minor, item.account_id))
    return items[:BALANCE_SHOWN]
