"""Promises to pay and call-back requests as the API shows them, and closing one with its outcome
(what the console's closing page takes)."""

from __future__ import annotations

import marshmallow as ma

from portal.api.fields import Amount, amount
from portal.api.pagination import PageArgs, page_schema
from portal.cant_pay.service import OUTCOMES
from portal.models import RequestKind, RequestStatus, SupportRequest

#: The kind as the API names it: a hardship request is the debtor asking to be called back.
KIND_NAMES = {RequestKind.PROMISE: "promise", RequestKind.HARDSHIP: "callback"}
KINDS = {name: kind for kind, name in KIND_NAMES.items()}
NOTE_MOST = 2000
_ID = ma.validate.Range(min=1, max=2147483647)
_ALL_OUTCOMES = list(dict.fromkeys(outcome for outcomes in OUTCOMES.values() for outcome in outcomes))


def _words(stored: str | None) -> list[str]:
    return [part for part in (stored or "").split(",") if part]


class SupportRequestSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    account_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(
        required=True,
        metadata={
            "enum": list(KINDS),
            "description": "promise: the debtor will pay on a date; callback: they cannot pay now and "
            "asked to be called back (a hardship request).",
        },
    )
    status = ma.fields.String(
        required=True,
        metadata={"enum": [s.value for s in RequestStatus], "description": "open until a person closes it."},
    )
    currency = ma.fields.String(required=True)
    promise_date = ma.fields.Date(allow_none=True, required=True, metadata={"description": "Promise only."})
    promise_amount = Amount(
        allow_none=True,
        required=True,
        metadata={"description": "Promise only: the first payment promised; null means the whole balance."},
    )
    phone = ma.fields.String(allow_none=True, required=True, metadata={"description": "Call-back only."})
    call_days = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Call-back only: the weekdays asked for; empty means any day."},
    )
    call_times = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Call-back only: morning, afternoon, evening; empty means any time."},
    )
    explanation = ma.fields.String(
        required=True, metadata={"description": "Call-back only: the debtor's words."}
    )
    reminders_paused_until = ma.fields.Date(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)


def support_request_data(request: SupportRequest) -> dict:
    currency = request.account.currency
    return {
        "id": request.id,
        "account_id": request.account_id,
        "kind": KIND_NAMES[request.kind],
        "status": request.status.value,
        "currency": currency,
        "promise_date": request.promise_date,
        "promise_amount": amount(request.promise_amount, currency)
        if request.promise_amount is not None
        else None,
        "phone": request.phone,
        "call_days": _words(request.call_days),
        "call_times": _words(request.call_times),
        "explanation": request.explanation or "",
        "reminders_paused_until": request.pause_until,
        "created_at": request.created_at,
    }


class SupportRequestListArgs(PageArgs):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(KINDS)))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in RequestStatus]))
    account_id = ma.fields.Integer(load_default=None, validate=_ID)


class CloseArgs(ma.Schema):
    outcome = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(_ALL_OUTCOMES),
        metadata={
            "description": "A promise ends paid, not_paid or other; a call-back talked, unreachable or "
            "other. other needs a note saying how it ended."
        },
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=NOTE_MOST))


SupportRequestPage = page_schema(SupportRequestSchema, "SupportRequestPage")
