"""/api/v1/accounts/{id}/events: an account's timeline, oldest first, with the hash chain that lets
a collection system check that nothing in it was edited, removed or slipped in."""

from __future__ import annotations

import marshmallow as ma
from sqlalchemy import select

from portal.api.auth import requires
from portal.api.blueprint import make_blueprint
from portal.api.pagination import PageArgs, decode, encode, page_schema
from portal.api.scoping import account_or_404
from portal.extensions import db
from portal.models import Event

blp = make_blueprint("timeline", "Each account's timeline: every event, in order, hash-chained.")

_CHAIN = (
    "SHA-256 (hex) of the canonical JSON (keys sorted, no spaces, ASCII only) of "
    '{"account": account id, "seq", "kind", "actor", "data", '
    '"at": created_at in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ, "prev": prev_hash}.'
)


class EventSchema(ma.Schema):
    seq = ma.fields.Integer(required=True, metadata={"description": "Place in the timeline, from 1."})
    kind = ma.fields.String(required=True, metadata={"description": "What happened, e.g. link_sent."})
    actor = ma.fields.String(
        required=True,
        metadata={"description": "Who caused it: debtor, collector, stripe, system, api:<key>..."},
    )
    data = ma.fields.Dict(required=True, metadata={"description": "The facts of the event."})
    created_at = ma.fields.AwareDateTime(required=True)
    prev_hash = ma.fields.String(
        required=True, metadata={"description": "The hash of the event before (64 zeros for the first)."}
    )
    hash = ma.fields.String(required=True, metadata={"description": _CHAIN})


EventPage = page_schema(EventSchema, "EventPage")


def event_data(event: Event) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "data": event.data or {},
        "created_at": event.created_at,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


@blp.route("/accounts/<int:account_id>/events", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, EventPage)
@requires("accounts:read")
def list_events(account_id, limit, cursor):
    """The account's timeline, oldest first, a page at a time (the chain runs across pages)."""
    account = account_or_404(account_id)
    # Pages follow the chain's own order (seq), so the cursor says "after event number N".
    query = select(Event).where(Event.account_id == account.id)
    if cursor:
        query = query.where(Event.seq > decode(cursor))
    rows = db.session.scalars(query.order_by(Event.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"data": [event_data(row) for row in rows], "next_cursor": encode(rows[-1].seq) if more else None}
