"""Payments received and plans agreed, as the API shows them: amounts as decimal strings in major
units, instalments with their due dates and what became of each."""

from __future__ import annotations

import marshmallow as ma

from portal.api.fields import Amount, amount
from portal.api.pagination import page_schema
from portal.models import Payment, Plan
from portal.models.payments import OUTSIDE_METHODS, Purpose
from portal.models.plans import InstalmentStatus, PlanKind, PlanStatus


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    account_id = ma.fields.Integer(required=True)
    currency = ma.fields.String(required=True)
    amount = Amount(required=True, metadata={"description": "What was received."})
    refunded = Amount(required=True, metadata={"description": "The part of it given back since."})
    kept = Amount(required=True, metadata={"description": "What it took off the debt: amount - refunded."})
    method = ma.fields.String(required=True, metadata={"enum": ["card", *OUTSIDE_METHODS]})
    reference = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "The cheque number or transfer reference of money received outside the portal."
        },
    )
    purpose = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={
            "enum": [*(p.value for p in Purpose), None],
            "description": "What a card payment was for; null for money received outside the portal.",
        },
    )
    plan_id = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "The plan it paid into."}
    )
    card_brand = ma.fields.String(allow_none=True, required=True)
    card_last4 = ma.fields.String(allow_none=True, required=True)
    paid_at = ma.fields.AwareDateTime(required=True)


def payment_data(payment: Payment) -> dict:
    currency, attempt = payment.currency, payment.attempt
    return {
        "id": payment.id,
        "account_id": payment.account_id,
        "currency": currency,
        "amount": amount(payment.amount, currency),
        "refunded": amount(payment.refunded or 0, currency),
        "kept": amount(payment.kept, currency),
        "method": payment.method,
        "reference": payment.reference,
        "purpose": attempt.purpose.value if attempt is not None else None,
        "plan_id": attempt.plan_id if attempt is not None else None,
        "card_brand": payment.card_brand,
        "card_last4": payment.card_last4,
        "paid_at": payment.paid_at,
    }


class InstalmentSchema(ma.Schema):
    number = ma.fields.Integer(required=True, metadata={"description": "1 for the first."})
    due_date = ma.fields.Date(required=True)
    amount = Amount(required=True)
    status = ma.fields.String(required=True, metadata={"enum": [s.value for s in InstalmentStatus]})
    attempts = ma.fields.Integer(required=True, metadata={"description": "Charges tried so far."})


class PlanSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    account_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": [k.value for k in PlanKind]})
    status = ma.fields.String(required=True, metadata={"enum": [s.value for s in PlanStatus]})
    frequency = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "How often instalments fall due."}
    )
    currency = ma.fields.String(required=True)
    total = Amount(required=True, metadata={"description": "What the plan pays in all."})
    forgiven = Amount(
        required=True, metadata={"description": "For a settlement, what is forgiven once it is paid."}
    )
    policy_version = ma.fields.Integer(
        required=True, metadata={"description": "The creditor's policy version it was agreed under."}
    )
    misses = ma.fields.Integer(required=True, metadata={"description": "Instalments missed so far."})
    card_brand = ma.fields.String(allow_none=True, required=True)
    card_last4 = ma.fields.String(allow_none=True, required=True)
    consent_at = ma.fields.AwareDateTime(
        allow_none=True, required=True, metadata={"description": "When the debtor agreed to it."}
    )
    created_at = ma.fields.AwareDateTime(required=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    instalments = ma.fields.List(ma.fields.Nested(InstalmentSchema), required=True)


def plan_data(plan: Plan) -> dict:
    currency = plan.currency
    return {
        "id": plan.id,
        "account_id": plan.account_id,
        "kind": plan.kind.value,
        "status": plan.status.value,
        "frequency": plan.frequency,
        "currency": currency,
        "total": amount(plan.total, currency),
        "forgiven": amount(plan.forgiven or 0, currency),
        "policy_version": plan.policy.version,
        "misses": plan.misses,
        "card_brand": plan.card_brand,
        "card_last4": plan.card_last4,
        "consent_at": plan.consent_at,
        "created_at": plan.created_at,
        "ended_at": plan.ended_at,
        "instalments": [
            {
                "number": instalment.number,
                "due_date": instalment.due_date,
                "amount": amount(instalment.amount, currency),
                "status": instalment.status.value,
                "attempts": instalment.attempts,
            }
            for instalment in plan.instalments
        ],
    }


PaymentPage = page_schema(PaymentSchema, "PaymentPage")
PlanPage = page_schema(PlanSchema, "PlanPage")
