"""Cursor pagination: a page of rows after an opaque cursor, newest-first or oldest-first by id."""

from __future__ import annotations

import base64
import binascii

import marshmallow as ma
from sqlalchemy import Select

from portal.api.errors import ApiError
from portal.extensions import db

MAX_LIMIT = 200


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(
        load_default=50,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"How many items to return, 1 to {MAX_LIMIT}."},
    )
    cursor = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=64),
        metadata={"description": "The next_cursor of the previous page; absent for the first page."},
    )


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind != "after" or not number.isdigit() or len(number) > 18:
            raise ValueError
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        problem = "The cursor is not one this API gave."
        raise ApiError(422, "invalid_cursor", problem, field="cursor") from None


def page(query: Select, id_column, *, limit: int, cursor: str | None) -> tuple[list, str | None]:
    """The rows of *query* after *cursor*, ordered by *id_column* ascending, and the next cursor."""
    if cursor:
        query = query.where(id_column > decode(cursor))
    rows = db.session.scalars(query.order_by(id_column).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode(rows[-1].id) if more and rows else None)


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A schema for {"data": [item...], "next_cursor": ...} named *name* in the document."""
    return ma.Schema.from_dict(
        {
            "data": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(
                allow_none=True,
                required=True,
                metadata={"description": "Pass as cursor for the next page; null on the last page."},
            ),
        },
        name=name,
    )
