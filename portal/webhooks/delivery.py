"""The task runner's side of webhooks: take due deliveries, sign and POST them, record each try.

At least once: a delivery is claimed under a lease in a committed UPDATE, then sent, then
recorded; a deliverer that stops mid-call leaves the lease to run out, and the delivery is tried
again (receivers de-duplicate on `webhook-id`). Several deliverers may run at once: claims use
FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite runs one writer at a time), so none takes a
delivery another holds. In order per account and endpoint: only the oldest undelivered message
of an account for an endpoint is taken, so a later one waits while an earlier one is retried.
A failed try is retried on the back-off schedule below (about a day); then it is abandoned.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models.webhooks import (
    UNDELIVERED,
    DeliveryStatus,
    EndpointState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.webhooks import health
from portal.webhooks.signing import headers

log = logging.getLogger("portal.webhooks")

#: The wait after the 1st, 2nd, ... failed try (the specification's example schedule); after the
#: last, the delivery is abandoned: 8 tries over about 27 hours.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
TRIES = len(BACKOFF) + 1
#: How long a claim lasts: far longer than a try (connect and read timeouts below).
LEASE = timedelta(minutes=5)
#: Deliveries one deliverer claims at a time.
BATCH = 50
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0


def deliver_due(now: datetime, ids: list[int] | None = None) -> int:
    """Deliver what is due (only *ids* when given), a claimed batch at a time; the number delivered."""
    delivered = 0
    while True:
        claimed = claim(now, BATCH, ids)
        if not claimed:
            return delivered
        # Each batch takes the oldest waiting message of each account: the next batch its successor.
        delivered += sum(1 for delivery_id in claimed if send(delivery_id, now))


def claim(now: datetime, size: int, ids: list[int] | None = None) -> list[int]:
    """Take up to *size* due deliveries under a lease, each the oldest undelivered of its account
    and endpoint, and commit; their ids."""
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.account_id == WebhookDelivery.account_id,
        earlier.status.in_(UNDELIVERED),
        or_(
            earlier.account_seq < WebhookDelivery.account_seq,
            and_(
                earlier.account_seq == WebhookDelivery.account_seq,
                earlier.message_id < WebhookDelivery.message_id,
            ),
        ),
    )
    enabled = select(WebhookEndpoint.id).where(WebhookEndpoint.state == EndpointState.ENABLED)
    due = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status.in_(UNDELIVERED),
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until <= now),
            WebhookDelivery.endpoint_id.in_(enabled),
            ~blocked,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(size)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
        .correlate(None)  # the inner look for an earlier message correlates here, not to the UPDATE
    )
    if ids is not None:
        due = due.where(WebhookDelivery.id.in_(ids))
    # A CTE, run once: PostgreSQL may run an `IN (subquery)` again for each row it updates, each
    # run skipping the rows the last one locked, and so claim more than *size*.
    picked = due.cte("picked")
    claimed = db.session.scalars(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == picked.c.id,
            WebhookDelivery.status.in_(UNDELIVERED),
            or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until <= now),
        )
        .values(leased_until=now + LEASE, attempts=WebhookDelivery.attempts + 1)
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def send(delivery_id: int, now: datetime) -> bool:
    """POST one claimed delivery and record the answer; True when the endpoint took it."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint, message = delivery.endpoint, delivery.message
    body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()
    # The signature's time is the wall clock's: receivers refuse one far from their own.
    signed = headers(endpoint.secret, message.public_id, int(time.time()), body)
    started = time.monotonic()
    status_code, error = _post(endpoint.url, body, signed)
    took = int((time.monotonic() - started) * 1000)
    ok = error is None
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            endpoint_id=endpoint.id,
            attempted_at=now,
            status_code=status_code,
            duration_ms=took,
            error=error,
        )
    )
    delivery.leased_until = None
    delivery.last_status_code = status_code
    delivery.last_error = error
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= TRIES:
        delivery.status = DeliveryStatus.ABANDONED
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    disabled = health.note(endpoint.id, ok, now)
    db.session.commit()
    if disabled:
        health.tell_disabled(endpoint.id, now)
    return ok


def _post(url: str, body: bytes, signed: dict[str, str]) -> tuple[int | None, str | None]:
    """(status code, error in a few words or None when it was taken)."""
    timeout = (
        current_app.config.get("WEBHOOK_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
        current_app.config.get("WEBHOOK_READ_TIMEOUT", READ_TIMEOUT),
    )
    try:
        response = requests.post(
            url,
            data=body,
            headers={"content-type": "application/json", "user-agent": "debtor-portal-webhooks/1", **signed},
            timeout=timeout,
            # A redirect is an answer, not a new address to send the signed body to.
            allow_redirects=False,
        )
    except requests.Timeout:
        return None, "timeout"
    except requests.RequestException as error:
        return None, type(error).__name__
    with response:
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"


def attempt_log(endpoint_id: int, limit: int = 50) -> list[tuple[WebhookAttempt, WebhookDelivery]]:
    """The endpoint's latest tries, newest first, each with its delivery (and so its message)."""
    return db.session.execute(
        select(WebhookAttempt, WebhookDelivery)
        .join(WebhookDelivery, WebhookAttempt.delivery_id == WebhookDelivery.id)
        .where(WebhookAttempt.endpoint_id == endpoint_id)
        .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
        .limit(limit)
    ).all()


def sweep(now: datetime) -> int:
    """The task runner's minute: deliver everything due, then send any disabled-endpoint notice
    still owed; the number delivered."""
    delivered = deliver_due(now)
    health.tell_all_disabled(now)
    return delivered
