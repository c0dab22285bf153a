"""The tests here run on the fakes: no localstripe process and no SMTP server is started.

The root fixtures are overridden by name, so a test moved here keeps its `app`, `mailbox`
and factories; the gateway is tests/fakes/gateway.py, the mail server tests/fakes/outbox.py.
"""

from __future__ import annotations

import pytest

from portal.notify import mailer
from tests.fakes.gateway import FakeGateway
from tests.fakes.outbox import Outbox
from tests.helpers.cards import page_setup
from tests.helpers.settings import WEBHOOK_SECRET


class NoStripe:
    """Where the app's Stripe settings point: the discard port, so a call that bypassed the fake
    gateway fails at once instead of reaching a server."""

    url = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def localstripe():
    return NoStripe()


@pytest.fixture(scope="session")
def mail_server():
    return Outbox()


@pytest.fixture
def fake_gateway():
    return FakeGateway(webhook_secret=WEBHOOK_SECRET)


@pytest.fixture
def app(app, fake_gateway, mail_server, monkeypatch):
    """The root app, with the fake gateway as its gateway and the outbox behind its SMTP client."""
    app.extensions["portal.gateway"] = fake_gateway
    monkeypatch.setattr(mailer, "smtplib", mail_server.smtplib())
    return app


@pytest.fixture
def typed_card(client, fake_gateway):
    """Type a test card into the card page's SetupIntent, as Stripe.js would; returns its id."""

    def make(number: str, path: str = "/pay", **options) -> str:
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        return fake_gateway.type_card(page_setup(page.text)[0], number, **options)

    return make
