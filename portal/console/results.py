"""The figures behind the console's Results page: read-only, always limited to the creditors given.

Every function takes the creditors a staff user may see (an empty list means nothing, never
"all") and an inclusive range of UTC dates, and answers in a bounded number of statements. Money
comes back as `Money` (integer minor units and a currency), formatted only at the edge.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, distinct, func, or_, select

from portal.collector.campaign_status import CHOICES
from portal.domain.money import Money
from portal.extensions import db
from portal.links import messages as link_messages
from portal.models import (
    Account,
    Creditor,
    Event,
    Instalment,
    InstalmentStatus,
    Message,
    MessageStatus,
    Payment,
    Plan,
    PlanKind,
    PlanStatus,
)

#: The funnel's steps, in order; each counts accounts.
STEPS = ("issued", "sent", "opened", "identity_confirmed", "option_chosen", "paid")
#: Timeline events that mark a step; every kind in CHOICES marks "option_chosen".
_LATER = {"link_opened": "opened", "identity_confirmed": "identity_confirmed"}
#: Where the spread of days to a first payment is cut: [0, 1), [1, 3), ... [90, ...).
DAY_BOUNDS = (0, 1, 3, 7, 14, 30, 90)


@dataclass(frozen=True)
class FunnelStep:
    step: str  # one of STEPS
    accounts: int


@dataclass(frozen=True)
class Funnel:
    links_issued: int
    #: Link messages the provider took (sent or delivered) for the accounts issued a link.
    links_sent: int
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True)
class WeekRecovered:
    creditor_id: int
    creditor: str
    #: The Monday of the ISO week; the range's first and last weeks may be partial.
    week: date
    amount: Money


@dataclass(frozen=True)
class PlanHealth:
    on_track: int
    #: Active, with an instalment missed (retries used up) that the plan survived.
    behind: int
    broken: int
    completed: int
    #: Ended because a dispute was upheld.
    cancelled: int


@dataclass(frozen=True)
class Discount:
    accounts: int
    #: What the debtors paid for their settlements, and what the creditors forgave.
    paid: Money
    forgiven: Money


@dataclass(frozen=True)
class SettlementDiscounts:
    accounts: int
    by_currency: tuple[Discount, ...]


@dataclass(frozen=True)
class DayBucket:
    """Accounts that paid at least *from_days* and less than *under_days* after their first link."""

    from_days: int
    #: None for the open-ended last bucket.
    under_days: int | None
    accounts: int


@dataclass(frozen=True)
class TimeToFirstPayment:
    accounts: int
    #: Days, to one decimal place; None when no account paid in the range.
    median_days: Decimal | None
    p90_days: Decimal | None
    spread: tuple[DayBucket, ...]


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    """The range as [from, until) in UTC: *end* is included, to its last microsecond."""
    if end < start:
        raise ValueError("the range ends before it starts")
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)


def _ours(creditor_ids: Sequence[int]):
    return Account.creditor_id.in_(list(creditor_ids))


def funnel(creditor_ids: Sequence[int], start: date, end: date) -> Funnel:
    """Accounts given a link in the range, and how many of them went on, within the range, to
    have it sent, open it, confirm who they are, choose what to do and pay.

    Opening counts among all the accounts issued a link (a link read out on the phone is never
    sent); each later step counts among the accounts that reached the step before.
    """
    lo, hi = _window(start, end)
    if not creditor_ids:
        return Funnel(0, 0, tuple(FunnelStep(step, 0) for step in STEPS))
    first = (
        select(Event.account_id, func.min(Event.created_at).label("at"), func.count().label("links"))
        .join(Account, Account.id == Event.account_id)
        .where(
            _ours(creditor_ids), Event.kind == "link_issued", Event.created_at >= lo, Event.created_at < hi
        )
        .group_by(Event.account_id)
        .subquery()
    )
    cohort = dict(db.session.execute(select(first.c.account_id, first.c.links)).all())
    sent = db.session.execute(
        select(Message.account_id, func.count())
        .join(first, first.c.account_id == Message.account_id)
        .where(
            Message.kind == link_messages.KIND,
            Message.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED)),
            Message.sent_at >= lo,
            Message.sent_at < hi,
        )
        .group_by(Message.account_id)
    ).all()
    reached = db.session.execute(
        select(Event.account_id, Event.kind)
        .join(first, first.c.account_id == Event.account_id)
        .where(Event.kind.in_((*_LATER, *CHOICES)), Event.created_at >= first.c.at, Event.created_at < hi)
        .distinct()
    ).all()
    paid = set(
        db.session.scalars(
            select(Payment.account_id)
            .join(first, first.c.account_id == Payment.account_id)
            .where(Payment.paid_at >= first.c.at, Payment.paid_at < hi, Payment.amount > Payment.refunded)
            .distinct()
        )
    )
    by_step: dict[str, set[int]] = defaultdict(set)
    for account_id, kind in reached:
        by_step[_LATER.get(kind, "option_chosen")].add(account_id)
    opened = by_step["opened"]
    confirmed = by_step["identity_confirmed"] & opened
    chosen = by_step["option_chosen"] & confirmed
    counts = {
        "issued": len(cohort),
        "sent": len(sent),
        "opened": len(opened),
        "identity_confirmed": len(confirmed),
        "option_chosen": len(chosen),
        "paid": len(paid & chosen),
    }
    return Funnel(
        links_issued=sum(cohort.values()),
        links_sent=sum(count for _, count in sent),
        steps=tuple(FunnelStep(name, counts[name]) for name in STEPS),
    )


def recovered_by_week(creditor_ids: Sequence[int], start: date, end: date) -> tuple[WeekRecovered, ...]:
    """What payments in the range took off the debts (less what was given back), per creditor,
    ISO week and currency; ordered by creditor name, week and currency."""
    lo, hi = _window(start, end)
    if not creditor_ids:
        return ()
    rows = db.session.execute(
        select(
            Creditor.id, Creditor.name, Payment.currency, Payment.paid_at, Payment.amount - Payment.refunded
        )
        .join(Account, Account.id == Payment.account_id)
        .join(Creditor, Creditor.id == Account.creditor_id)
        .where(
            _ours(creditor_ids),
            Payment.paid_at >= lo,
            Payment.paid_at < hi,
            Payment.amount > Payment.refunded,
        )
    ).all()
    sums: dict[tuple[int, str, date, str], int] = defaultdict(int)
    for creditor_id, name, currency, paid_at, kept in rows:
        day = paid_at.astimezone(UTC).date()
        sums[(creditor_id, name, day - timedelta(days=day.weekday()), currency)] += kept
    ordered = sorted(sums.items(), key=lambda item: (item[0][1], item[0][0], item[0][2], item[0][3]))
    return tuple(
        WeekRecovered(creditor_id, name, week, Money(minor, currency))
        for (creditor_id, name, week, currency), minor in ordered
    )


def plan_health(creditor_ids: Sequence[int], start: date, end: date) -> PlanHealth:
    """Instalment plans in force at any time in the range, by where they stand now."""
    lo, hi = _window(start, end)
    if not creditor_ids:
        return PlanHealth(0, 0, 0, 0, 0)
    missed = select(Instalment.plan_id).where(Instalment.status == InstalmentStatus.MISSED)
    rows = db.session.execute(
        select(Plan.status, func.count(), func.sum(case((Plan.id.in_(missed), 1), else_=0)))
        .join(Account, Account.id == Plan.account_id)
        .where(
            _ours(creditor_ids),
            Plan.kind == PlanKind.INSTALMENTS,
            Plan.created_at < hi,
            or_(Plan.ended_at.is_(None), Plan.ended_at >= lo),
        )
        .group_by(Plan.status)
    ).all()
    counts = {status: (total, behind or 0) for status, total, behind in rows}
    active, behind = counts.get(PlanStatus.ACTIVE, (0, 0))
    return PlanHealth(
        on_track=active - behind,
        behind=behind,
        broken=counts.get(PlanStatus.BROKEN, (0, 0))[0],
        completed=counts.get(PlanStatus.COMPLETED, (0, 0))[0],
        cancelled=counts.get(PlanStatus.CANCELLED, (0, 0))[0],
    )


def settlement_discounts(creditor_ids: Sequence[int], start: date, end: date) -> SettlementDiscounts:
    """Settlements paid in the range (the account settled): how many, and what was forgiven."""
    lo, hi = _window(start, end)
    if not creditor_ids:
        return SettlementDiscounts(0, ())
    rows = db.session.execute(
        select(
            Plan.currency,
            func.count(distinct(Plan.account_id)),
            func.sum(Plan.total),
            func.sum(Plan.forgiven),
        )
        .join(Account, Account.id == Plan.account_id)
        .where(
            _ours(creditor_ids),
            Plan.kind == PlanKind.SETTLEMENT,
            Plan.status == PlanStatus.COMPLETED,
            Plan.ended_at >= lo,
            Plan.ended_at < hi,
        )
        .group_by(Plan.currency)
        .order_by(Plan.currency)
    ).all()
    discounts = tuple(
        Discount(accounts, Money(int(paid), currency), Money(int(forgiven), currency))
        for currency, accounts, paid, forgiven in rows
    )
    return SettlementDiscounts(sum(d.accounts for d in discounts), discounts)


def time_to_first_payment(creditor_ids: Sequence[int], start: date, end: date) -> TimeToFirstPayment:
    """For accounts whose first payment fell in the range: the days from their first link to it.

    Accounts that paid before any link was issued (by post, or by phone) are left out.
    """
    lo, hi = _window(start, end)
    if not creditor_ids:
        return _spread([])
    first_paid = (
        select(Payment.account_id, func.min(Payment.paid_at).label("at"))
        .join(Account, Account.id == Payment.account_id)
        .where(_ours(creditor_ids), Payment.amount > Payment.refunded)
        .group_by(Payment.account_id)
        .subquery()
    )
    pairs = db.session.execute(
        select(func.min(Event.created_at), first_paid.c.at)
        .join(first_paid, first_paid.c.account_id == Event.account_id)
        .where(Event.kind == "link_issued", first_paid.c.at >= lo, first_paid.c.at < hi)
        .group_by(first_paid.c.account_id, first_paid.c.at)
    ).all()
    return _spread([paid - linked for linked, paid in pairs if linked <= paid])


def _spread(waits: list[timedelta]) -> TimeToFirstPayment:
    days = sorted(Decimal(wait.total_seconds()) / 86400 for wait in waits)
    buckets = tuple(
        DayBucket(low, high, sum(1 for d in days if d >= low and (high is None or d < high)))
        for low, high in zip(DAY_BOUNDS, (*DAY_BOUNDS[1:], None), strict=True)
    )
    if not days:
        return TimeToFirstPayment(0, None, None, buckets)
    p90 = statistics.quantiles(days, n=10, method="inclusive")[8] if len(days) > 1 else days[0]
    return TimeToFirstPayment(len(days), _tenths(statistics.median(days)), _tenths(p90), buckets)


def _tenths(days: Decimal) -> Decimal:
    return Decimal(days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
