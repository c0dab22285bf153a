"""Staff actions on the record: every one lands on the account's timeline with who did it."""

from __future__ import annotations

from portal import timeline
from portal.console.access import staff
from portal.models import Account


def actor() -> str:
    """The timeline's actor for the signed-in person ("staff:12"); their address goes in the data."""
    return f"staff:{staff().id}"


def record(account: Account | int, kind: str, **data):
    """Append *kind* to the account's timeline as done by the signed-in person."""
    return timeline.record(account, kind, actor=actor(), by=staff().email, **data)
