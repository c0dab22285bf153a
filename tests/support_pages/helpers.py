"""Helpers for the support page tests: form data as the browser posts it, and what was stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from portal.extensions import db
from portal.models import Draft, Offer, SupportRequest

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


PROMISE_PAGES = ("/cant-pay/promise", "/cant-pay/promise/how-much", "/cant-pay/promise/check")
CALL_BACK_PAGES = (
    "/cant-pay/call-back",
    "/cant-pay/call-back/days",
    "/cant-pay/call-back/times",
    "/cant-pay/call-back/what-is-happening",
    "/cant-pay/call-back/check",
)


def drafts_for(account) -> list[Draft]:
    """The answers the account has saved on question pages and not sent yet, one row per run."""
    db.session.expire_all()
    return db.session.scalars(select(Draft).where(Draft.account_id == account.id).order_by(Draft.id)).all()


def walk(client, pages):
    """POST each (path, form) in turn; the first answer that is not a 303 (a refusal), else the last."""
    for path, data in pages:
        response = client.post(path, data=data)
        if response.status_code != 303:
            return response
    return response


def send_promise(client, day: date, *, how_much="full", amount=""):
    """Answer the promise's questions (the date, how much) and send it from the check page."""
    return walk(
        client,
        [
            ("/cant-pay/promise", date_form("date", day)),
            ("/cant-pay/promise/how-much", {"how_much": how_much, "amount": amount}),
            ("/cant-pay/promise/check", {}),
        ],
    )


def ask_call_back(client, *, phone="312 555 0100", days=(), times=(), explanation=""):
    """Answer the call-back questions (phone, days, times, what is happening) and send the request."""
    return walk(
        client,
        [
            ("/cant-pay/call-back", {"phone": phone}),
            ("/cant-pay/call-back/days", {"days": list(days)}),
            ("/cant-pay/call-back/times", {"times": list(times)}),
            ("/cant-pay/call-back/what-is-happening", {"explanation": explanation}),
            ("/cant-pay/call-back/check", {}),
        ],
    )


#: The offer's question pages in order, each with the form it posts.
OFFER_PAGES = ("/offer/new", "/offer/new/how-often", "/offer/new/first-payment-date", "/offer/new/note")


def propose(client, *, amount="40.00", frequency="monthly", start: date, note=""):
    """Answer the offer's pages one by one, then send it from the check page. Returns the first
    page that did not move on (a 400 with its errors), or the answer to sending."""
    forms = ({"amount": amount}, {"frequency": frequency}, date_form("start", start), {"note": note})
    for path, data in zip(OFFER_PAGES, forms, strict=True):
        response = client.post(path, data=data)
        if response.status_code != 303:
            return response
    return client.post("/offer/new/check")
