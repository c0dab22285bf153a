"""/api/v1/support-requests: the creditor's debtors' promises to pay and call-back requests, and
closing one with its outcome, as the console's closing page does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.api.auth import creditor, requires
from portal.api.blueprint import make_blueprint
from portal.api.errors import ApiError, ErrorSchema
from portal.api.idempotency import writes
from portal.api.link_routes import actor
from portal.api.pagination import page
from portal.api.scoping import of_account_or_404
from portal.api.support_request_schemas import (
    KIND_NAMES,
    KINDS,
    CloseArgs,
    SupportRequestListArgs,
    SupportRequestPage,
    SupportRequestSchema,
    support_request_data,
)
from portal.cant_pay import service as cant_pay
from portal.models import Account, SupportRequest

blp = make_blueprint(
    "support_requests",
    "Promises to pay and call-back requests from the creditor's debtors, and closing each.",
)


@blp.route("/support-requests", methods=["GET"])
@blp.arguments(SupportRequestListArgs, location="query", as_kwargs=True)
@blp.response(200, SupportRequestPage)
@requires("requests:read")
def list_support_requests(limit, cursor, kind, status, account_id):
    """List promises and call-back requests, oldest first; kind=callback&status=open gives the
    call-backs waiting for a person."""
    query = (
        select(SupportRequest)
        .join(Account, Account.id == SupportRequest.account_id)
        .where(Account.creditor_id == creditor().id)
        .options(joinedload(SupportRequest.account))
    )
    if kind is not None:
        query = query.where(SupportRequest.kind == KINDS[kind])
    if status is not None:
        query = query.where(SupportRequest.status == status)
    if account_id is not None:
        query = query.where(SupportRequest.account_id == account_id)
    rows, next_cursor = page(query, SupportRequest.id, limit=limit, cursor=cursor)
    return {"data": [support_request_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/support-requests/<int:request_id>", methods=["GET"])
@blp.response(200, SupportRequestSchema)
@requires("requests:read")
def read_support_request(request_id):
    """One promise or call-back request."""
    return support_request_data(of_account_or_404(SupportRequest, request_id, "support request"))


@blp.route("/support-requests/<int:request_id>/close", methods=["POST"])
@writes
@blp.arguments(CloseArgs)
@blp.response(200, SupportRequestSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Closed already (code already_closed).")
@requires("requests:write")
def close_support_request(args, request_id):
    """Close a promise or call-back request with its outcome, as the console's closing page does.

    The timeline records the outcome and the note, naming this key. The outcome must be one of
    the request's kind (a 422 on the field outcome otherwise), and "other" needs a note. A request
    is closed once: a second close, even at the same moment, is a 409 already_closed.
    """
    request = of_account_or_404(SupportRequest, request_id, "support request")
    outcome, note = args["outcome"], args["note"].strip()
    allowed = cant_pay.OUTCOMES[request.kind]
    if outcome not in allowed:
        kind = KIND_NAMES[request.kind]
        raise ApiError(422, "invalid", f"A {kind} ends as one of: {', '.join(allowed)}.", field="outcome")
    if outcome == "other" and not note:
        raise ApiError(422, "invalid", "Say how it ended in the note.", field="note")
    try:
        cant_pay.close(request, outcome, note, actor=actor())
    except cant_pay.AlreadyClosed:
        raise ApiError(
            409, "already_closed", "This request was closed already; nothing was changed."
        ) from None
    return support_request_data(request)
