"""The debtor's own offers as the API shows them, and the decision on one (what `decide-offer` takes)."""

from __future__ import annotations

import marshmallow as ma

from portal.api.fields import Amount, amount
from portal.api.pagination import PageArgs, page_schema
from portal.domain.offers import reply_by
from portal.domain.schedules import Frequency
from portal.models import Offer, OfferStatus

#: Longest reason; the debtor reads it (the console's limit too).
REASON_MOST = 2000
_ID = ma.validate.Range(min=1, max=2147483647)
_FREQUENCIES = [f.value for f in Frequency]
_SIGNED = r"^-?[0-9]+(\.[0-9]+)?$"


class TermsSchema(ma.Schema):
    amount = Amount(required=True, metadata={"description": "Each payment."})
    frequency = ma.fields.String(required=True, metadata={"enum": _FREQUENCIES})
    start_date = ma.fields.Date(required=True, metadata={"description": "The first payment's date."})


class AffordabilitySchema(ma.Schema):
    currency = ma.fields.String(required=True)
    income = Amount(required=True, metadata={"description": "Monthly income."})
    outgoings = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        required=True,
        metadata={"description": "Monthly spending by kind (housing, bills, food...), as decimal strings."},
    )
    left = ma.fields.String(
        required=True,
        metadata={
            "description": "What is left each month; negative when spending is more.",
            "pattern": _SIGNED,
        },
    )


class OfferSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    account_id = ma.fields.Integer(required=True)
    currency = ma.fields.String(required=True)
    amount = Amount(required=True, metadata={"description": "What the debtor offers to pay each time."})
    frequency = ma.fields.String(required=True, metadata={"enum": _FREQUENCIES})
    start_date = ma.fields.Date(required=True)
    note = ma.fields.String(required=True, metadata={"description": "The debtor's own words."})
    affordability = ma.fields.Nested(
        AffordabilitySchema,
        allow_none=True,
        required=True,
        metadata={"description": "Income and spending, only when the debtor chose to share them."},
    )
    status = ma.fields.String(
        required=True,
        metadata={
            "enum": [s.value for s in OfferStatus],
            "description": "pending: waiting for a decision; accepted or countered: the debtor may now "
            "agree it as a plan; agreed: they did; declined.",
        },
    )
    reply_by = ma.fields.Date(
        required=True, metadata={"description": "The day the debtor was told to expect an answer by."}
    )
    counter = ma.fields.Nested(
        TermsSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The terms proposed instead, when countered."},
    )
    decision_note = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Why declined or countered, as the debtor reads it."},
    )
    created_at = ma.fields.AwareDateTime(required=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    decision_message_id = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The outbox message telling the debtor the decision (GET /messages/{id}); null "
            "while pending, or when the contact rules refused it (the timeline says why)."
        },
    )


def _figures(figures: dict | None) -> dict | None:
    if not figures:
        return None
    currency = figures.get("currency", "USD")
    return {
        "currency": currency,
        "income": amount(figures.get("income") or 0, currency),
        "outgoings": {
            name: amount(value, currency) for name, value in (figures.get("outgoings") or {}).items()
        },
        "left": amount(figures.get("left") or 0, currency),
    }


def offer_data(offer: Offer, decision_message_id: int | None) -> dict:
    currency = offer.account.currency
    counter = None
    if offer.counter_amount is not None:
        counter = {
            "amount": amount(offer.counter_amount, currency),
            "frequency": offer.counter_frequency,
            "start_date": offer.counter_start_date,
        }
    return {
        "id": offer.id,
        "account_id": offer.account_id,
        "currency": currency,
        "amount": amount(offer.amount, currency),
        "frequency": offer.frequency,
        "start_date": offer.start_date,
        "note": offer.note or "",
        "affordability": _figures(offer.affordability),
        "status": offer.status.value,
        "reply_by": reply_by(offer.created_at.date()),
        "counter": counter,
        "decision_note": offer.decision_note,
        "created_at": offer.created_at,
        "decided_at": offer.decided_at,
        "decision_message_id": decision_message_id,
    }


class OfferListArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in OfferStatus]))
    account_id = ma.fields.Integer(load_default=None, validate=_ID)


#: The fields of a counter-offer, asked for with decision=counter and refused with any other.
COUNTER_FIELDS = ("amount", "frequency", "start_date")


class OfferDecisionArgs(ma.Schema):
    decision = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["accept", "decline", "counter"]),
        metadata={
            "description": "accept the offer as it is; decline it (with a reason); or counter with other "
            "terms (amount, frequency, start_date), which meet the rules of the debtor's own offer."
        },
    )
    reason = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=REASON_MOST),
        metadata={"description": "Shown to the debtor: why declined (needed), or why this counter-offer."},
    )
    amount = Amount(
        load_default=None,
        validate=ma.validate.Length(min=1, max=32),
        metadata={"description": "Counter-offer only: each payment."},
    )
    frequency = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(_FREQUENCIES),
        metadata={"description": "Counter-offer only."},
    )
    start_date = ma.fields.Date(
        load_default=None, metadata={"description": "Counter-offer only: the first payment."}
    )

    @ma.validates_schema
    def _asked(self, data, **_kwargs):
        decision = data.get("decision")
        if decision == "decline" and not data.get("reason", "").strip():
            raise ma.ValidationError("Say why the offer is declined: the debtor will read it.", "reason")
        for name in COUNTER_FIELDS:
            given = data.get(name) is not None
            if decision == "counter" and not given:
                raise ma.ValidationError("A counter-offer needs amount, frequency and start_date.", name)
            if decision in ("accept", "decline") and given:
                raise ma.ValidationError(f"{name} is for a counter-offer only (decision=counter).", name)


OfferPage = page_schema(OfferSchema, "OfferPage")
