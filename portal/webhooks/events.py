"""Which timeline events become which webhook event types, and what each one says.

Each timeline kind listed in `SOURCES` names its event type and a small function that gives the
data of each message (usually one; none or several for a preferences change). The data names the
account by its reference and the creditor by its slug, gives amounts as decimal strings in major
units with their currency, and never carries secrets, tokens, dates of birth, phone numbers or
what a person typed.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from portal.domain.money import Money
from portal.extensions import db
from portal.models import Account, Instalment, Payment, PaymentAttempt, Plan

#: Every event type a webhook endpoint may subscribe to.
EVENT_TYPES = (
    "account.link_opened",
    "account.identity_confirmed",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "plan.agreed",
    "plan.instalment_missed",
    "plan.broken",
    "plan.completed",
    "settlement.paid",
    "dispute.opened",
    "dispute.resolved",
    "offer.made",
    "offer.decided",
    "callback.requested",
    "promise.made",
    "contact.opted_out",
)

Build = Callable[[Account, dict], dict]
#: Turns a timeline event's data into the webhook data, one dict per message (most give one).
Facts = Callable[[Account, dict], list[dict]]


def amount(minor: int | None, currency: str) -> str | None:
    """Minor units as a decimal string in major units ("1060.25", "0.00", "500" for JPY)."""
    if minor is None:
        return None
    return format(Money(int(minor), currency).as_decimal(), "f")


def _one(event_type: str, build: Build) -> tuple[str, Facts]:
    return event_type, lambda account, data: [build(account, data)]


def _money(minor, currency: str) -> dict:
    return {"amount": amount(minor, currency), "currency": currency}


def _active_plan_id(account: Account) -> int | None:
    # The plan is still active when its missed or declined instalment is recorded.
    return db.session.scalar(select(Plan.id).where(Plan.active_account_id == account.id))


def _payment_succeeded(account: Account, data: dict) -> dict:
    payment = db.session.get(Payment, data["payment_id"])
    purpose = payment.attempt.purpose.value if payment is not None and payment.attempt else None
    return {
        "payment_id": data["payment_id"],
        "purpose": purpose,
        "method": "card",
        **_money(data["amount"], data["currency"]),
    }


def _payment_recorded(account: Account, data: dict) -> dict:
    return {
        "payment_id": data["payment_id"],
        "purpose": None,
        "method": data.get("method"),
        "received_on": data.get("received_on"),
        **_money(data["amount"], data["currency"]),
    }


def _payment_failed(account: Account, data: dict) -> dict:
    # A card refused while being saved has no attempt yet: no amount then.
    attempt = db.session.get(PaymentAttempt, data["attempt_id"]) if data.get("attempt_id") else None
    facts = {
        "attempt_id": data.get("attempt_id"),
        "code": data.get("code"),
        "plan_id": None,
        "instalment": None,
    }
    if attempt is None:
        return {**facts, "purpose": None, "amount": None, "currency": account.currency}
    if attempt.instalment_id:
        instalment = db.session.get(Instalment, attempt.instalment_id)
        facts.update(plan_id=instalment.plan_id, instalment=instalment.number)
    return {**facts, "purpose": attempt.purpose.value, **_money(attempt.amount, attempt.currency)}


def _refunded(reason: str) -> Callable[[Account, dict], dict]:
    def build(account: Account, data: dict) -> dict:
        return {
            "payment_id": data["payment_id"],
            "refund_id": data.get("refund_id"),
            "reason": reason,
            **_money(data["amount"], data["currency"]),
        }

    return build


def _plan_agreed(account: Account, data: dict) -> dict:
    return {
        "plan_id": data["plan_id"],
        "frequency": data.get("frequency"),
        "instalments": data.get("instalments"),
        "first_due": data.get("first_due"),
        "offer_id": data.get("offer_id"),
        "total": amount(data.get("total"), account.currency),
        "currency": account.currency,
    }


def _plan_ended(account: Account, data: dict) -> dict:
    return {"plan_id": data["plan_id"], "reason": data.get("reason")}


def _instalment_missed(account: Account, data: dict) -> dict:
    return {
        "plan_id": _active_plan_id(account),
        "instalment": data.get("instalment"),
        "misses": data.get("misses"),
    }


def _settled(account: Account, data: dict) -> dict:
    return {
        "paid": amount(data.get("paid"), account.currency),
        "forgiven": amount(data.get("forgiven"), account.currency),
        "currency": account.currency,
    }


def _dispute_opened(account: Account, data: dict) -> dict:
    return {
        "dispute_reference": data["reference"],
        "reason": data.get("reason"),
        "evidence": data.get("evidence"),
    }


def _dispute_resolved(outcome: str) -> Callable[[Account, dict], dict]:
    def build(account: Account, data: dict) -> dict:
        return {
            "dispute_reference": data["reference"],
            "outcome": outcome,
            "account_status": data.get("account_status"),
        }

    return build


def _offer_made(account: Account, data: dict) -> dict:
    return {
        "offer_id": data["offer_id"],
        "frequency": data.get("frequency"),
        "start_date": data.get("start_date"),
        **_money(data.get("amount"), account.currency),
    }


def _offer_decided(decision: str) -> Callable[[Account, dict], dict]:
    def build(account: Account, data: dict) -> dict:
        facts = {"offer_id": data["offer_id"], "decision": decision, "counter": None}
        if decision == "countered":
            facts["counter"] = {
                "frequency": data.get("frequency"),
                "start_date": data.get("start_date"),
                **_money(data.get("amount"), account.currency),
            }
        return facts

    return build


def _promise(account: Account, data: dict) -> dict:
    return {
        "request_id": data["request_id"],
        "promise_date": data.get("promise_date"),
        "full_amount": data.get("full_amount"),
        **_money(data.get("amount"), account.currency),
    }


def _callback(account: Account, data: dict) -> dict:
    # The phone number and the person's explanation stay on the request.
    return {"request_id": data["request_id"], "hardship": bool(data.get("hardship"))}


def _preferences_changed(account: Account, data: dict) -> list[dict]:
    # Stopping channels on the preferences page is the same opt-out as the one-click link.
    return [{"channel": channel} for channel in data.get("stopped") or []]


#: Timeline kind -> how it becomes webhook events (README lists the same table).
SOURCES: dict[str, tuple[str, Facts]] = {
    "link_opened": _one("account.link_opened", lambda a, d: {"link_id": d.get("link_id")}),
    "identity_confirmed": _one("account.identity_confirmed", lambda a, d: {"link_id": d.get("link_id")}),
    "payment_succeeded": _one("payment.succeeded", _payment_succeeded),
    "payment_recorded_by_staff": _one("payment.succeeded", _payment_recorded),
    "payment_failed": _one("payment.failed", _payment_failed),
    "payment_refunded_by_staff": _one("payment.refunded", _refunded("refund")),
    "overpayment_refunded": _one("payment.refunded", _refunded("overpayment")),
    "plan_agreed": _one("plan.agreed", _plan_agreed),
    "instalment_missed": _one("plan.instalment_missed", _instalment_missed),
    "plan_broken": _one("plan.broken", _plan_ended),
    "plan_completed": _one("plan.completed", _plan_ended),
    "account_settled": _one("settlement.paid", _settled),
    "dispute_opened": _one("dispute.opened", _dispute_opened),
    "dispute_upheld": _one("dispute.resolved", _dispute_resolved("upheld")),
    "dispute_rejected": _one("dispute.resolved", _dispute_resolved("rejected")),
    "offer_made": _one("offer.made", _offer_made),
    "offer_accepted": _one("offer.decided", _offer_decided("accepted")),
    "offer_declined": _one("offer.decided", _offer_decided("declined")),
    "offer_countered": _one("offer.decided", _offer_decided("countered")),
    "callback_requested": _one("callback.requested", _callback),
    "promise_made": _one("promise.made", _promise),
    "opted_out": _one("contact.opted_out", lambda a, d: {"channel": d["channel"]}),
    "contact_preferences_changed": ("contact.opted_out", _preferences_changed),
}


def translate(account: Account, kind: str, data: dict) -> list[tuple[str, dict]]:
    """The webhook events a timeline event of *kind* becomes: (type, data) pairs, often none."""
    if kind not in SOURCES:
        return []
    event_type, facts = SOURCES[kind]
    # The id is the one the API's /accounts/{id} takes; the reference is the collector's own.
    common = {
        "account_id": account.id,
        "account_reference": account.reference,
        "creditor": account.creditor.slug,
    }
    return [(event_type, {**common, **each}) for each in facts(account, data)]
