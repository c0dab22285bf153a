"""Every read and write goes through the key's creditor: another creditor's id answers 404."""

from __future__ import annotations

from sqlalchemy import select

from portal.api.auth import creditor
from portal.api.errors import ApiError
from portal.extensions import db
from portal.models import Account


def accounts():
    """A query of the key's creditor's accounts."""
    return select(Account).where(Account.creditor_id == creditor().id)


def account_or_404(account_id: int, *, lock: bool = False) -> Account:
    """The key's creditor's account with this id; 404 for any other, whoever owns it."""
    query = accounts().where(Account.id == account_id)
    if lock:
        query = query.with_for_update()
    account = db.session.scalar(query)
    if account is None:
        raise ApiError(404, "not_found", "There is no account with this id for this API key.")
    return account


def of_account_or_404(model, row_id: int, what: str):
    """A row of *model* (with an account_id) that belongs to one of the key's creditor's accounts."""
    row = db.session.scalar(
        select(model)
        .join(Account, Account.id == model.account_id)
        .where(model.id == row_id, Account.creditor_id == creditor().id)
    )
    if row is None:
        raise ApiError(404, "not_found", f"There is no {what} with this id for this API key.")
    return row
