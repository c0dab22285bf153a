"""Fixtures for the webhook tests: a live receiver, an endpoint pointing at it, and the
webhooks' commands and tasks on the app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import Creditor
from portal.webhooks import endpoints
from tests.webhooks.receiver import Receiver

NOON = datetime(2027, 1, 15, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def webhooks_on(app):
    """Short timeouts, so a receiver that hangs costs the test half a second."""
    app.config["WEBHOOK_READ_TIMEOUT"] = 0.5
    app.config["WEBHOOK_CONNECT_TIMEOUT"] = 0.5


@pytest.fixture
def receiver():
    """A live receiver that takes everything; set `.script` to make it fail first."""
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def endpoint_for(app):
    """Add an enabled endpoint for a creditor (by slug) pointing at *url*; returns it, committed."""

    def add(slug: str, url: str, types: list[str] | None = None, contact: str | None = "ops@acme.example"):
        creditor = db.session.scalar(db.select(Creditor).where(Creditor.slug == slug))
        endpoint = endpoints.add(creditor, url, event_types=types, contact_email=contact, production=False)
        db.session.commit()
        return endpoint

    return add
