"""/api/v1/disputes: the key's creditor's disputes, and the decision on one, made as
`resolve-dispute` makes it (the hold lifted or the account closed, the debtor emailed)."""

from __future__ import annotations

from sqlalchemy import select

from portal.api.auth import creditor, requires
from portal.api.blueprint import make_blueprint
from portal.api.dispute_schemas import (
    DisputeDecisionArgs,
    DisputeListArgs,
    DisputePage,
    DisputeSchema,
    dispute_data,
)
from portal.api.errors import ApiError, ErrorSchema
from portal.api.idempotency import writes
from portal.api.link_routes import actor
from portal.api.outbox_messages import message_ids
from portal.api.pagination import page
from portal.api.scoping import of_account_or_404
from portal.disputes import decisions, service
from portal.models import Account, Dispute, DisputeStatus
from portal.notify.disputes import outcome_key

blp = make_blueprint("disputes", "Disputes the creditor's debtors opened, and the decision on each.")


def _shown(disputes: list[Dispute]) -> list[dict]:
    found = message_ids(outcome_key(dispute) for dispute in disputes)
    return [dispute_data(dispute, found.get(outcome_key(dispute))) for dispute in disputes]


@blp.route("/disputes", methods=["GET"])
@blp.arguments(DisputeListArgs, location="query", as_kwargs=True)
@blp.response(200, DisputePage)
@requires("requests:read")
def list_disputes(limit, cursor, status, account_id):
    """List disputes, oldest first, a page at a time; status=open gives those waiting for a decision."""
    query = (
        select(Dispute)
        .join(Account, Account.id == Dispute.account_id)
        .where(Account.creditor_id == creditor().id)
    )
    if status is not None:
        query = query.where(Dispute.status == status)
    if account_id is not None:
        query = query.where(Dispute.account_id == account_id)
    rows, next_cursor = page(query, Dispute.id, limit=limit, cursor=cursor)
    return {"data": _shown(rows), "next_cursor": next_cursor}


@blp.route("/disputes/<int:dispute_id>", methods=["GET"])
@blp.response(200, DisputeSchema)
@requires("requests:read")
def read_dispute(dispute_id):
    """One dispute: the debtor's reason and words, where it stands, and what was found."""
    (shown,) = _shown([of_account_or_404(Dispute, dispute_id, "dispute")])
    return shown


@blp.route("/disputes/<int:dispute_id>/decision", methods=["POST"])
@writes
@blp.arguments(DisputeDecisionArgs)
@blp.response(200, DisputeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Resolved already (code already_decided).")
@requires("requests:write")
def decide_dispute(args, dispute_id):
    """Resolve a dispute as upheld or rejected, as `resolve-dispute` does.

    Upheld closes the account and cancels any plan in force; rejected lifts the hold. Either way
    the debtor is emailed the outcome (a rejection with the note, the itemisation and a new link)
    through the outbox, and the timeline names this key. A dispute is resolved once: a second
    decision, even at the same moment, is a 409 already_decided and changes nothing.
    """
    dispute = of_account_or_404(Dispute, dispute_id, "dispute")
    try:
        decided = decisions.decide(
            dispute, DisputeStatus(args["outcome"]), args["note"].strip(), actor=actor()
        )
    except service.AlreadyResolved:
        raise ApiError(
            409,
            "already_decided",
            f"Dispute {dispute.reference} was already {dispute.status.value}; nothing was changed.",
        ) from None
    return dispute_data(dispute, decided.message.id if decided.message is not None else None)
