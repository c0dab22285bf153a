"""/api/v1/accounts: read and list the key's creditor's accounts."""

from __future__ import annotations

from portal.api.account_schemas import AccountListArgs, AccountPage, AccountSchema, account_data
from portal.api.auth import requires
from portal.api.blueprint import make_blueprint
from portal.api.pagination import page
from portal.api.scoping import account_or_404, accounts
from portal.models import Account

blp = make_blueprint("accounts", "Accounts of the key's creditor: read, list, create and update.")


@blp.route("/accounts", methods=["GET"])
@blp.arguments(AccountListArgs, location="query", as_kwargs=True)
@blp.response(200, AccountPage)
@requires("accounts:read")
def list_accounts(limit, cursor, reference, status, needs_review, on_hold, updated_since):
    """List accounts, oldest first, a page at a time."""
    query = accounts()
    if reference is not None:
        query = query.where(Account.reference == reference)
    if status is not None:
        query = query.where(Account.status == status)
    if needs_review is not None:
        query = query.where(Account.needs_review.is_(needs_review))
    if on_hold is not None:
        query = query.where(Account.on_hold.is_(on_hold))
    if updated_since is not None:
        query = query.where(Account.updated_at >= updated_since)
    rows, next_cursor = page(query, Account.id, limit=limit, cursor=cursor)
    return {"data": [account_data(row) for row in rows], "next_cursor": next_cursor}


@blp.route("/accounts/<int:account_id>", methods=["GET"])
@blp.response(200, AccountSchema)
@requires("accounts:read")
def read_account(account_id):
    """One account: who owes, what, and where it stands."""
    return account_data(account_or_404(account_id))
