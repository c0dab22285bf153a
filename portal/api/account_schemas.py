"""Accounts as the API reads and writes them: the CSV import's column names, amounts as decimal
strings in major units; the creditor is always the key's."""

from __future__ import annotations

import marshmallow as ma

from portal.api.fields import Amount, amount
from portal.api.pagination import PageArgs, page_schema
from portal.models import Account, AccountStatus


class AccountSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    creditor = ma.fields.String(required=True, metadata={"description": "The creditor's slug."})
    full_name = ma.fields.String(required=True)
    email = ma.fields.String(allow_none=True, required=True)
    phone = ma.fields.String(allow_none=True, required=True)
    postal_code = ma.fields.String(allow_none=True, required=True)
    language = ma.fields.String(allow_none=True, required=True)
    currency = ma.fields.String(required=True)
    principal = Amount(required=True)
    interest = Amount(required=True)
    fees = Amount(required=True)
    total = Amount(required=True, metadata={"description": "principal + interest + fees."})
    paid = Amount(required=True)
    balance = Amount(required=True, metadata={"description": "What is still owed."})
    original_creditor = ma.fields.String(allow_none=True, required=True)
    itemization_date = ma.fields.Date(allow_none=True, required=True)
    description = ma.fields.String(allow_none=True, required=True)
    service_date = ma.fields.Date(allow_none=True, required=True)
    original_account_number = ma.fields.String(allow_none=True, required=True)
    timezone = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(required=True, metadata={"enum": [s.value for s in AccountStatus]})
    on_hold = ma.fields.Boolean(required=True, metadata={"description": "True while a dispute is open."})
    needs_review = ma.fields.Boolean(required=True)
    review_reason = ma.fields.String(allow_none=True, required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


def account_data(account: Account) -> dict:
    """The account as AccountSchema shows it (the date of birth is never sent back)."""
    debtor, currency = account.debtor, account.currency
    return {
        "id": account.id,
        "reference": account.reference,
        "creditor": account.creditor.slug,
        "full_name": debtor.full_name,
        "email": debtor.email,
        "phone": debtor.phone,
        "postal_code": debtor.postal_code,
        "language": debtor.language,
        "currency": currency,
        "principal": amount(account.principal, currency),
        "interest": amount(account.interest, currency),
        "fees": amount(account.fees, currency),
        "total": amount(account.total_owed.minor, currency),
        "paid": amount(account.paid.minor, currency),
        "balance": amount(account.balance.minor, currency),
        "original_creditor": account.original_creditor,
        "itemization_date": account.itemization_date,
        "description": account.description,
        "service_date": account.service_date,
        "original_account_number": account.original_account_number,
        "timezone": account.timezone,
        "status": account.status.value,
        "on_hold": account.on_hold,
        "needs_review": account.needs_review,
        "review_reason": account.review_reason,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


class AccountListArgs(PageArgs):
    reference = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=80))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf([s.value for s in AccountStatus]))
    needs_review = ma.fields.Boolean(load_default=None)
    on_hold = ma.fields.Boolean(load_default=None)
    updated_since = ma.fields.AwareDateTime(
        load_default=None, metadata={"description": "Only accounts changed at or after this moment."}
    )


AccountPage = page_schema(AccountSchema, "AccountPage")
