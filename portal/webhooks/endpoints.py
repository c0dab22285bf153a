"""A creditor's webhook endpoints: add, list, disable, enable, remove, and replay past messages.

Used by the commands and the API alike; each function works in the caller's transaction and
the caller commits.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import exists, select, update

from portal.extensions import db
from portal.models import Creditor
from portal.models.webhooks import (
    UNDELIVERED,
    EndpointState,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from portal.webhooks.events import EVENT_TYPES
from portal.webhooks.observer import hand_over_after_commit
from portal.webhooks.signing import new_secret

DISABLED = "disabled"
REMOVED = "removed"


class EndpointError(ValueError):
    """An endpoint that cannot be added or changed; *field* names what is wrong, when one thing is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_url(url: str, *, production: bool) -> str:
    """The URL to send to, or EndpointError. In production only HTTPS, and never an address on
    this machine or a private network written as such (a key holder must not reach our insides)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 2000:
        raise EndpointError("the URL must be an absolute http(s) address of at most 2000 characters", "url")
    if parts.username or parts.password:
        raise EndpointError("the URL must not carry a user name or password", "url")
    if production:
        if parts.scheme != "https":
            raise EndpointError("the URL must use https", "url")
        if _internal(parts.hostname):
            raise EndpointError("the URL must not name this machine or a private network", "url")
    return url


def _internal(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def check_event_types(types: list[str] | None) -> list[str] | None:
    """The event types asked for, sorted and once each; None (every type) when none were named."""
    if not types:
        return None
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise EndpointError(f"unknown event type(s): {', '.join(unknown)}", "event_types")
    return sorted(set(types))


def add(
    creditor: Creditor,
    url: str,
    *,
    event_types: list[str] | None = None,
    contact_email: str | None = None,
    production: bool = True,
) -> WebhookEndpoint:
    """A new enabled endpoint with a new secret (the caller shows the secret once)."""
    contact = (contact_email or "").strip() or None
    if contact is not None and (
        "@" not in contact or len(contact) > 254 or any(c.isspace() for c in contact)
    ):
        raise EndpointError("the contact must be one email address", "contact_email")
    endpoint = WebhookEndpoint(
        creditor_id=creditor.id,
        url=check_url(url, production=production),
        secret=new_secret(),
        event_types=check_event_types(event_types),
        contact_email=contact,
        state=EndpointState.ENABLED,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def listed(creditor: Creditor | None = None, *, removed: bool = False) -> list[WebhookEndpoint]:
    """Endpoints, a creditor's or everyone's, oldest first; removed ones only when asked."""
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    if creditor is not None:
        query = query.where(WebhookEndpoint.creditor_id == creditor.id)
    if not removed:
        query = query.where(WebhookEndpoint.state != EndpointState.REMOVED)
    return list(db.session.scalars(query))


def disable(endpoint: WebhookEndpoint, now: datetime, reason: str = DISABLED) -> None:
    """Stop sending to *endpoint*; its waiting deliveries stay for when it is enabled again.
    *reason* "removed" takes it away for good."""
    if endpoint.state is EndpointState.REMOVED:
        raise EndpointError(f"endpoint {endpoint.id} was removed")
    endpoint.state = EndpointState.REMOVED if reason == REMOVED else EndpointState.DISABLED
    endpoint.disabled_reason = reason
    endpoint.disabled_at = now


def enable(endpoint: WebhookEndpoint, now: datetime) -> int:
    """Send to *endpoint* again, starting now with the deliveries that waited; how many wait."""
    if endpoint.state is EndpointState.REMOVED:
        raise EndpointError(f"endpoint {endpoint.id} was removed; add a new one")
    endpoint.state = EndpointState.ENABLED
    endpoint.disabled_reason = endpoint.disabled_at = endpoint.failing_since = None
    endpoint.notice_sent_at = None
    return db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status.in_(UNDELIVERED))
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def replay(
    since: datetime,
    now: datetime,
    *,
    creditor: Creditor | None = None,
    endpoint: WebhookEndpoint | None = None,
) -> tuple[int, int]:
    """Queue again every message written since *since* for the enabled endpoints that want it
    (one endpoint's, or a creditor's, or all); (messages, deliveries queued).

    Each gets a new delivery with the same message id, so receivers de-duplicate; a message still
    waiting for an endpoint is not queued twice for it.
    """
    endpoints = select(WebhookEndpoint).where(WebhookEndpoint.state == EndpointState.ENABLED)
    if endpoint is not None:
        endpoints = endpoints.where(WebhookEndpoint.id == endpoint.id)
    if creditor is not None:
        endpoints = endpoints.where(WebhookEndpoint.creditor_id == creditor.id)
    targets = list(db.session.scalars(endpoints))
    messages: set[int] = set()
    deliveries = 0
    for target in targets:
        waiting = exists().where(
            WebhookDelivery.message_id == WebhookMessage.id,
            WebhookDelivery.endpoint_id == target.id,
            WebhookDelivery.status.in_(UNDELIVERED),
        )
        found = db.session.scalars(
            select(WebhookMessage)
            .where(
                WebhookMessage.creditor_id == target.creditor_id, WebhookMessage.created_at >= since, ~waiting
            )
            .order_by(WebhookMessage.account_id, WebhookMessage.account_seq, WebhookMessage.id)
        )
        for message in found:
            if not target.wants(message.event_type):
                continue
            delivery = WebhookDelivery(
                endpoint_id=target.id,
                message_id=message.id,
                account_id=message.account_id,
                account_seq=message.account_seq,
                next_attempt_at=now,
                created_at=now,
            )
            db.session.add(delivery)
            hand_over_after_commit(delivery)
            messages.add(message.id)
            deliveries += 1
    return len(messages), deliveries
