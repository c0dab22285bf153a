"""POST /api/v1/accounts/import: a creditor's whole CSV file, streamed into the same importer as
`flask import-accounts` (the same checks, re-import rule and idempotency), for the key's creditor.

The body is read as a stream and spooled to disk for the encoding check, so a nightly file of a
million accounts never sits in memory. The file itself is idempotent (the same file again
changes nothing), so this route does not keep answers under Idempotency-Key: doing so would
mean holding the whole body to compare it.
"""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, request

from portal.api.auth import creditor, requires
from portal.api.blueprint import make_blueprint
from portal.api.errors import ApiError, ErrorSchema
from portal.api.link_routes import actor
from portal.collector.file_text import ImportFileError, open_text
from portal.collector.importer import import_accounts

blp = make_blueprint("imports", "Import a CSV file of accounts, as the import-accounts command does.")
#: The largest file this route reads, unless API_IMPORT_MAX_BYTES says otherwise.
DEFAULT_MAX_BYTES = 2 * 1024**3


class ImportArgs(ma.Schema):
    encoding = ma.fields.String(
        load_default=None,
        metadata={"description": "The file's encoding when not UTF-8 and without a byte-order mark."},
    )


class LineNote(ma.Schema):
    line = ma.fields.Integer(required=True, metadata={"description": "The file's line, the header being 1."})
    reason = ma.fields.String(required=True, metadata={"description": "Names the column, never the value."})


class FlaggedNote(ma.Schema):
    line = ma.fields.Integer(required=True)
    account = ma.fields.String(required=True, metadata={"description": "creditor/reference"})
    review = ma.fields.String(required=True)


class ImportResultSchema(ma.Schema):
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    rejected = ma.fields.Integer(required=True)
    refused = ma.fields.Integer(required=True)
    flagged = ma.fields.Integer(required=True)
    seconds = ma.fields.Float(required=True)
    rejections = ma.fields.List(
        ma.fields.Nested(LineNote), required=True, metadata={"description": "The first 100, by line."}
    )
    refusals = ma.fields.List(ma.fields.Nested(LineNote), required=True)
    flagged_for_review = ma.fields.List(ma.fields.Nested(FlaggedNote), required=True)


@blp.route("/accounts/import", methods=["POST"])
@blp.arguments(ImportArgs, location="query", as_kwargs=True)
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, schema=ErrorSchema, description="The file as a whole cannot be read.")
@blp.doc(
    requestBody={
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The CSV file, with the import's columns; rows naming another creditor are rejected.",
    }
)
@requires("accounts:write")
def import_file(encoding):
    """Import a CSV file of accounts for the key's creditor; each row succeeds or fails alone."""
    request.max_content_length = current_app.config.get("API_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    try:
        text = open_text(request.stream, encoding)
        try:
            report = import_accounts(text, actor=actor(), only_creditor=creditor().slug)
        finally:
            text.close()  # and the copy spooled to disk
    except ImportFileError as error:
        raise ApiError(422, "unreadable_file", str(error)) from None
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected_count,
        "refused": report.refused_count,
        "flagged": report.flagged_count,
        "seconds": round(report.seconds, 3),
        "rejections": [{"line": line, "reason": reason} for line, reason in report.rejected],
        "refusals": [{"line": line, "reason": reason} for line, reason in report.refused],
        "flagged_for_review": [
            {"line": change.line, "account": change.account, "review": change.review}
            for change in report.flagged
        ],
    }
