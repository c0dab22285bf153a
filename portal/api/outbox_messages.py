"""The outbox message that told the debtor of a decision, found by its key (the decision's emails are
written under a key of their own, so each decision has at most one)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from portal.extensions import db
from portal.models import Message


def message_ids(keys: Iterable[str]) -> dict[str, int]:
    """The id of the message under each key that has one, in one query for a whole page."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    rows = db.session.execute(select(Message.dedupe_key, Message.id).where(Message.dedupe_key.in_(wanted)))
    return {key: message_id for key, message_id in rows}
