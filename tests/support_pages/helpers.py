"""Helpers for the support page tests: form data as the browser posts it, and what was stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from portal.extensions import db
from portal.models import Offer, SupportRequest

BALANCE = 106025  # make_account's default: 1,000.00 + 50.25 interest + 10.00 fees


def date_form(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """*hour* o'clock UTC on *day*: the debtor's own clock for accounts whose timezone is "UTC"."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def offers_for(account) -> list[Offer]:
    db.session.expire_all()
    return db.session.scalars(select(Offer).where(Offer.account_id == account.id).order_by(Offer.id)).all()


def requests_for(account) -> list[SupportRequest]:
    db.session.expire_all()
    return db.session.scalars(
        select(SupportRequest).where(SupportRequest.account_id == account.id).order_by(SupportRequest.id)
    ).all()


def propose(client, *, amount="40.00", frequency="monthly", start: date, note=""):
    return client.post(
        "/offer/new",
        data={"amount": amount, "frequency": frequency, "note": note, **date_form("start", start)},
    )
