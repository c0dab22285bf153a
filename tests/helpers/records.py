"""What a test reads back from the database: an account's timeline, payments and attempts."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Payment, PaymentAttempt
from portal.models.payments import LIVE_STATUSES


def events(account, kind: str | None = None) -> list[Event]:
    db.session.expire_all()
    query = select(Event).where(Event.account_id == account.id).order_by(Event.id)
    if kind:
        query = query.where(Event.kind == kind)
    return db.session.scalars(query).all()


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def payments_for(account) -> list[Payment]:
    db.session.expire_all()
    return db.session.scalars(select(Payment).where(Payment.account_id == account.id)).all()


def attempts_for(account) -> list[PaymentAttempt]:
    db.session.expire_all()
    return db.session.scalars(
        select(PaymentAttempt).where(PaymentAttempt.account_id == account.id).order_by(PaymentAttempt.id)
    ).all()


def live_attempts(account) -> list[PaymentAttempt]:
    return [a for a in attempts_for(account) if a.status in LIVE_STATUSES]


def event_kinds(account) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()
