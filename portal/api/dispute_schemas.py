"""Disputes as the API shows them, and the decision on one (what `resolve-dispute` takes)."""

from __future__ import annotations

import marshmallow as ma

from portal.api.pagination import PageArgs, page_schema
from portal.models import Dispute, DisputeReason, DisputeStatus

#: Longest note; a rejection's note is shown to the debtor (the console's limit too).
NOTE_MOST = 2000
_ID = ma.validate.Range(min=1, max=2147483647)


class DisputeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    account_id = ma.fields.Integer(required=True)
    reference = ma.fields.String(
        required=True, metadata={"description": "What the debtor quotes, e.g. D-7KQ2M9."}
    )
    reason = ma.fields.String(required=True, metadata={"enum": [r.value for r in DisputeReason]})
    details = ma.fields.String(required=True, metadata={"description": "The debtor's own words."})
    has_evidence = ma.fields.Boolean(required=True, metadata={"description": "The debtor sent a document."})
    status = ma.fields.String(
        required=True,
        metadata={
            "enum": [s.value for s in DisputeStatus],
            "description": "open: the account is on hold; upheld: the debtor was right and the account is "
            "closed; rejected: the debt is verified and the hold lifted.",
        },
    )
    resolution_note = ma.fields.String(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    resolved_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    outcome_message_id = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The outbox message telling the debtor the outcome (GET /messages/{id}); null "
            "while open, or when the contact rules refused it (the timeline says why)."
        },
    )


def dispute_data(dispute: Dispute, outcome_message_id: int | None) -> dict:
    return {
        "id": dispute.id,
        "account_id": dispute.account_id,
        "reference": dispute.reference,
        "reason": dispute.reason.value,
        "details": dispute.details or "",
        "has_evidence": dispute.evidence_file is not None,
        "status": dispute.status.value,
        "resolution_note": dispute.resolution_note,
        "created_at": dispute.created_at,
        "resolved_at": dispute.resolved_at,
        "outcome_message_id": outcome_message_id,
    }


class DisputeListArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in DisputeStatus]))
    account_id = ma.fields.Integer(load_default=None, validate=_ID)


def _said(text: str) -> None:
    if not text.strip():
        raise ma.ValidationError("Write what was found: the debtor is told.")


class DisputeDecisionArgs(ma.Schema):
    outcome = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([DisputeStatus.UPHELD.value, DisputeStatus.REJECTED.value]),
        metadata={
            "description": "upheld: the debtor is right, the account is closed and any plan cancelled; "
            "rejected: the debt is verified, the hold lifts and the debtor's options come back."
        },
    )
    note = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=NOTE_MOST), _said],
        metadata={"description": "What was found; a rejection's note is shown to the debtor."},
    )


DisputePage = page_schema(DisputeSchema, "DisputePage")
