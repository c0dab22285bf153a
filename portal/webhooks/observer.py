"""Turn timeline events into webhook messages, in the transaction that appends them.

Told of every batch of events (`portal.timeline.observe`), it writes a message and one delivery
per subscribed endpoint only when the account's creditor has an enabled endpoint that wants the
type. Events no webhook is made of cost nothing; the first event that could be one reads the
enabled endpoints once per transaction (kept in the session's info until it ends). Messages are
handed to the task runner once the transaction commits, so a rolled-back cause sends nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction

from portal import clock
from portal.extensions import db
from portal.models import Account
from portal.models.webhooks import EndpointState, WebhookDelivery, WebhookEndpoint, WebhookMessage
from portal.webhooks import events
from portal.webhooks.signing import new_message_id

log = logging.getLogger("portal.webhooks")

_ENDPOINTS = "webhooks_endpoints"
_PENDING = "webhooks_pending"


def on_events(batch: list[tuple[int, int, str, dict]]) -> None:
    """Write the webhook messages *batch* (account_id, seq, kind, data) becomes, if anyone listens."""
    wanted = [entry for entry in batch if entry[2] in events.SOURCES]
    if not wanted:
        return
    session = db.session()
    with session.no_autoflush:
        endpoints = _enabled_endpoints(session)
        if not endpoints:
            return
        for account_id, seq, kind, data in wanted:
            account = session.get(Account, account_id)
            listening = endpoints.get(account.creditor_id)
            if listening:
                _write(session, account, seq, kind, data, listening)


def _enabled_endpoints(session: Session) -> dict[int, list[tuple[int, list | None]]]:
    """creditor id -> [(endpoint id, event types)], read once per transaction."""
    cached = session.info.get(_ENDPOINTS)
    if cached is None:
        cached = defaultdict(list)
        rows = session.execute(
            select(WebhookEndpoint.creditor_id, WebhookEndpoint.id, WebhookEndpoint.event_types).where(
                WebhookEndpoint.state == EndpointState.ENABLED
            )
        )
        for creditor_id, endpoint_id, types in rows:
            cached[creditor_id].append((endpoint_id, types))
        session.info[_ENDPOINTS] = cached = dict(cached)
    return cached


def _write(session: Session, account: Account, seq: int, kind: str, data: dict, listening) -> None:
    now = clock.now()
    for event_type, facts in events.translate(account, kind, data):
        targets = [endpoint_id for endpoint_id, types in listening if types is None or event_type in types]
        if not targets:
            continue
        message = WebhookMessage(
            public_id=new_message_id(),
            creditor_id=account.creditor_id,
            account_id=account.id,
            event_type=event_type,
            payload=payload(event_type, now, facts),
            account_seq=seq,
            created_at=now,
        )
        session.add(message)
        for endpoint_id in targets:
            delivery = WebhookDelivery(
                endpoint_id=endpoint_id,
                message=message,
                account_id=account.id,
                account_seq=seq,
                next_attempt_at=now,
                created_at=now,
            )
            session.add(delivery)
            hand_over_after_commit(delivery)


def payload(event_type: str, moment, data: dict) -> dict:
    """The body of a message, as the Standard Webhooks specification shapes it."""
    return {"type": event_type, "timestamp": moment.isoformat().replace("+00:00", "Z"), "data": data}


def hand_over_after_commit(delivery: WebhookDelivery) -> None:
    """Give *delivery* (added in this transaction) to the task runner once the transaction commits."""
    db.session.info.setdefault(_PENDING, []).append(delivery)


# --- After the transaction ---------------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    # The rows are expired by the commit; their identity still names them without a query.
    ids = [key.identity[0] for key in map(inspect, pending or []) if key.identity]
    if not ids:
        return
    from portal.tasks import deliver_webhooks_task

    try:
        deliver_webhooks_task(ids)
    except Exception:  # noqa: BLE001 - the sweep delivers them; a queue that is down must not fail the cause
        log.exception("could not hand %s webhook deliveries to the task runner; the sweep will", len(ids))


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_endpoints(session: Session, transaction: SessionTransaction) -> None:
    # Each transaction reads the endpoints afresh: one enabled a moment ago is seen by the next.
    if transaction.parent is None:
        session.info.pop(_ENDPOINTS, None)
