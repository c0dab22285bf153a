"""The one place that appends to an account's timeline."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Account, Event


def record(account: Account | int, kind: str, actor: str = "system", **data) -> Event:
    """Append an event to the account's timeline in the current transaction.

    Never pass secrets (tokens, dates of birth, card numbers) in *data*.
    """
    account_id = account if isinstance(account, int) else account.id
    entry = Event(account_id=account_id, kind=kind, actor=actor, data=data)
    db.session.add(entry)
    return entry
