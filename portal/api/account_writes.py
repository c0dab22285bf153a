"""POST /api/v1/accounts and /accounts/batch: create or update accounts by reference, with the
CSV import's column names, checks and re-import rule (portal/domain/reimport.py)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from sqlalchemy import text

from portal.api.account_routes import blp
from portal.api.account_schemas import AccountSchema, account_data
from portal.api.auth import creditor, requires
from portal.api.errors import ApiError
from portal.api.fields import Amount
from portal.api.idempotency import writes
from portal.api.link_routes import actor
from portal.collector import importer
from portal.collector.bulk_postgres import CREDITOR_LOCK_SPACE
from portal.collector.csv_rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RowError, parse_clean_row
from portal.collector.import_report import ImportReport
from portal.extensions import db
from portal.models import Account

#: Accounts one batch request may carry; a nightly file of more goes to the CSV import endpoint.
BATCH_LIMIT = 500
_COLUMNS = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
_WRITTEN = 'Decimal string in the currency\'s major units, e.g. "1234.50"; empty for none.'


class AccountInSchema(ma.Schema):
    """One account as the import reads it; the creditor is always the key's."""

    reference = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    full_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    currency = ma.fields.String(required=True, metadata={"description": "ISO 4217 code, e.g. USD."})
    principal = Amount(required=True)
    interest = Amount(load_default=None, allow_none=True)
    fees = Amount(load_default=None, allow_none=True)
    email = ma.fields.String(load_default=None, allow_none=True)
    phone = ma.fields.String(load_default=None, allow_none=True)
    date_of_birth = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD; never sent back."}
    )
    postal_code = ma.fields.String(load_default=None, allow_none=True)
    language = ma.fields.String(load_default=None, allow_none=True)
    timezone = ma.fields.String(load_default=None, allow_none=True)
    original_creditor = ma.fields.String(load_default=None, allow_none=True)
    itemization_date = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "YYYY-MM-DD"}
    )
    description = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=500),
        metadata={"description": 'What the debt is for, e.g. "Emergency room visit".'},
    )
    service_date = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "YYYY-MM-DD, when the service or goods were given; not in the future."},
    )
    original_account_number = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=50),
        metadata={"description": "The account number on the itemization date; may be truncated (****1234)."},
    )


class AccountResultSchema(ma.Schema):
    outcome = ma.fields.String(required=True, metadata={"enum": ["created", "updated", "unchanged"]})
    changed = ma.fields.List(ma.fields.String(), required=True)
    review = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "Why a person must look at it, if so."}
    )
    account = ma.fields.Nested(AccountSchema, required=True)


class BatchInSchema(ma.Schema):
    accounts = ma.fields.List(
        ma.fields.Nested(AccountInSchema), required=True, validate=ma.validate.Length(min=1, max=BATCH_LIMIT)
    )


class BatchItemSchema(ma.Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "Place in the request, from 0."})
    reference = ma.fields.String(required=True)
    outcome = ma.fields.String(
        required=True, metadata={"enum": ["created", "updated", "unchanged", "rejected", "refused"]}
    )
    account_id = ma.fields.Integer(allow_none=True, required=True)
    field = ma.fields.String(allow_none=True, required=True)
    reason = ma.fields.String(allow_none=True, required=True)
    review = ma.fields.String(allow_none=True, required=True)


class BatchOutSchema(ma.Schema):
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    rejected = ma.fields.Integer(required=True)
    refused = ma.fields.Integer(required=True)
    results = ma.fields.List(ma.fields.Nested(BatchItemSchema), required=True)


def _raw(item: dict) -> dict[str, str]:
    """The item as an import row: text values, the key's creditor."""
    raw = {name: ("" if value is None else str(value)) for name, value in item.items() if name in _COLUMNS}
    raw["creditor"] = creditor().slug
    return raw


def _field_of(reason: str) -> str | None:
    first = reason.split(" ", 1)[0]
    return first if first in _COLUMNS else None


def _hold_creditor() -> None:
    """Upserts of one creditor take turns (PostgreSQL), so two requests creating the same
    reference at once give one account, not a refusal by the unique index."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :id)"),
            {"space": CREDITOR_LOCK_SPACE, "id": creditor().id},
        )


def _apply(items: list[dict]) -> tuple[ImportReport, list[dict]]:
    """Apply each item in its own savepoint; (the report, one result per item)."""
    report = ImportReport(keep=None)
    results: list[dict] = []
    _hold_creditor()
    seen: dict[str, int] = {}
    with importer.importing_as(actor()):
        for index, item in enumerate(items):
            result = {
                "index": index,
                "reference": item.get("reference") or "",
                "account_id": None,
                "field": None,
                "reason": None,
                "review": None,
            }
            results.append(result)
            try:
                row = parse_clean_row(_raw(item))
            except RowError as error:
                result |= {"outcome": "rejected", "reason": str(error), "field": _field_of(str(error))}
                continue
            if row.reference in seen:
                result |= {
                    "outcome": "rejected",
                    "field": "reference",
                    "reason": "the reference appears twice in this request "
                    f"(first at index {seen[row.reference]})",
                }
                continue
            seen[row.reference] = index
            before = (len(report.accepted), len(report.refused), len(report.rejected), len(report.changes))
            importer.apply_row(report, row, index + 1)
            if len(report.accepted) > before[0]:
                accepted = report.accepted[-1]
                result |= {"outcome": accepted.outcome, "account_id": accepted.account_id}
                if len(report.changes) > before[3]:
                    change = report.changes[-1]
                    result |= {"review": change.review, "changed": list(change.columns)}
            elif len(report.refused) > before[1]:
                result |= {"outcome": "refused", "reason": report.refused[-1][1]}
            else:
                result |= {"outcome": "rejected", "reason": report.rejected[-1][1]}
    return report, results


@blp.route("/accounts", methods=["POST"])
@writes
@blp.arguments(AccountInSchema)
@blp.response(200, AccountResultSchema, description="Updated, or unchanged.")
@blp.alt_response(201, schema=AccountResultSchema, description="Created.")
@requires("accounts:write")
def upsert_account(item):
    """Create the account with this reference, or update it; the same checks as the CSV import.

    A change to an account with payments, a plan or a dispute follows the re-import rule: new
    amounts apply to the balance and it is flagged for review, or the change is refused (409)."""
    _report, (result,) = _apply([item])
    if result["outcome"] == "rejected":
        raise ApiError(422, "invalid", result["reason"], field=result["field"])
    if result["outcome"] == "refused":
        raise ApiError(409, "change_refused", result["reason"])
    account = db.session.get(Account, result["account_id"])
    body = {
        "outcome": result["outcome"],
        "changed": result.get("changed", []),
        "review": result["review"],
        "account": account_data(account),
    }
    status = 201 if result["outcome"] == "created" else 200
    location = url_for("api_accounts.read_account", account_id=account.id)
    return body, status, {"Location": location}


@blp.route("/accounts/batch", methods=["POST"])
@writes
@blp.arguments(BatchInSchema)
@blp.response(200, BatchOutSchema)
@requires("accounts:write")
def upsert_accounts(args):
    """Create or update up to 500 accounts in one request; each item succeeds or fails alone,
    and the answer says what became of each, by its place in the request."""
    report, results = _apply(args["accounts"])
    counts = {
        outcome: sum(1 for r in results if r["outcome"] == outcome)
        for outcome in ("created", "updated", "unchanged", "rejected", "refused")
    }
    for result in results:
        result.pop("changed", None)
    return {**counts, "results": results}
