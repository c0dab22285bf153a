"""An endpoint that keeps failing is disabled and its contact told.

The rule: an endpoint fails from its first failed try after a success (`failing_since`); any
delivered message clears it. A try that fails when the endpoint has been failing for
`DISABLE_AFTER` or longer disables it. Its pending deliveries wait (they resume when it is
enabled again) and no new messages are written for it meanwhile (`replay-webhooks` sends them).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models.webhooks import EndpointState, WebhookEndpoint

log = logging.getLogger("portal.webhooks")

DISABLE_AFTER = timedelta(days=1)
FAILING = "failing"


def note(endpoint_id: int, ok: bool, now: datetime) -> bool:
    """Record a try's outcome on the endpoint, in the caller's transaction; True when this try
    disabled it (the caller tells its contact after committing)."""
    if ok:
        db.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
            .execution_options(synchronize_session=False)
        )
        return False
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
        .values(failing_since=now)
        .execution_options(synchronize_session=False)
    )
    # Conditional, so of two deliverers failing at once only one disables it (and tells).
    disabled = db.session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.state == EndpointState.ENABLED,
            WebhookEndpoint.failing_since <= now - DISABLE_AFTER,
        )
        .values(state=EndpointState.DISABLED, disabled_reason=FAILING, disabled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if disabled:
        log.warning("webhook endpoint %s disabled: every try failed for a day", endpoint_id)
    return disabled == 1


def tell_disabled(endpoint_id: int, now: datetime) -> bool:
    """Email the endpoint's contact that it was disabled for failing, once; True when it went.

    The notice is claimed (`notice_sent_at`) and committed before the mail is sent, so two callers
    never both send it; if the mail server refuses it the claim is let go for the sweep to retry.
    """
    from portal.notify import webhook_notices

    claimed = db.session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.disabled_reason == FAILING,
            WebhookEndpoint.notice_sent_at.is_(None),
            WebhookEndpoint.contact_email.is_not(None),
        )
        .values(notice_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if webhook_notices.send_endpoint_disabled(endpoint):
        return True
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(notice_sent_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return False


def tell_all_disabled(now: datetime) -> int:
    """Send every notice still owed (the mail server was away when the endpoint was disabled)."""
    owed = db.session.scalars(
        select(WebhookEndpoint.id).where(
            WebhookEndpoint.state == EndpointState.DISABLED,
            WebhookEndpoint.disabled_reason == FAILING,
            WebhookEndpoint.notice_sent_at.is_(None),
            WebhookEndpoint.contact_email.is_not(None),
        )
    ).all()
    return sum(1 for endpoint_id in owed if tell_disabled(endpoint_id, now))
