"""A page that only shows the card form waits less for Stripe than a payment does, so a slow Stripe
holds a worker for seconds, not a minute, and the debtor gets the calm page that says so."""

from __future__ import annotations

import time

import pytest
import stripe

from portal.models.types import utcnow
from tests.helpers.plan_pages import choose_plan
from tests.reliability.fault_proxy import FaultProxy

MONEY_WAIT = 3.0  # seconds per try when money moves (three tries)
PAGE_WAIT = 0.3  # seconds per try to show a card form (two tries)
SLOW = 4.0  # the proxy holds a slow request this long: past both waits
SETUP_READ = ("GET", r"/v1/setup_intents/[^/]+")
UNREACHABLE = "We could not reach our card payment service"


@pytest.fixture
def proxy(app, localstripe, monkeypatch):
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.05)  # the client's back-off only
    proxy = FaultProxy(localstripe.url, slow_seconds=SLOW)
    app.config.update(
        STRIPE_API_BASE=proxy.url, STRIPE_TIMEOUT_SECONDS=MONEY_WAIT, STRIPE_PAGE_TIMEOUT_SECONDS=PAGE_WAIT
    )
    app.extensions.pop("portal.gateway", None)
    yield proxy
    proxy.stop()
    app.extensions.pop("portal.gateway", None)


@pytest.mark.parametrize("page", ["/pay", "/plan/review"])
def test_a_slow_stripe_gets_a_calm_page_within_the_page_wait(page, proxy, make_account, sign_in, client):
    sign_in(make_account())
    if page == "/plan/review":
        choose_plan(client, frequency="monthly", count=6, first=utcnow().date())
    assert client.get(page).status_code == 200  # this visit's SetupIntent, made through the proxy

    proxy.fail(*SETUP_READ, "slow", times=2)
    started = time.monotonic()
    answer = client.get(page)  # reads that SetupIntent again: Stripe does not answer in time
    took = time.monotonic() - started

    assert answer.status_code == 503
    assert UNREACHABLE in answer.text
    assert proxy.applied["slow"] == 2  # both of the page's tries, and no third
    # Two tries of 0.3 s and a back-off; a payment's wait would be 3 tries of 3 s.
    assert took < 2 * PAGE_WAIT + 1.5, took
    proxy.wait_idle()
