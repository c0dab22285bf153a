"""X-Forwarded-For names the client only when a proxy in front is configured (TRUSTED_PROXY_HOPS).

Without it anyone could send a new X-Forwarded-For with every guess and never meet the rate limit;
with it, the limiter counts per real client rather than lumping everyone behind the proxy together.
"""

from __future__ import annotations

import pytest

from portal import create_app
from portal.extensions import db
from tests.helpers.scale import figure
from tests.helpers.settings import app_config

LINK_LIMIT = 30  # @limiter.limit("30/minute") on /l/<token>


@pytest.fixture
def limited_app(database_url, localstripe, mail_server):
    apps = []

    def build(hops: int):
        settings = app_config(database_url, localstripe, mail_server)
        app = create_app(
            {
                **settings,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "TRUSTED_PROXY_HOPS": hops,
            }
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _guesses(app, addresses) -> list[int]:
    client = app.test_client()
    return [
        client.get(f"/l/guess{n}", headers={"X-Forwarded-For": address}).status_code
        for n, address in enumerate(addresses)
    ]


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(limited_app):
    app = limited_app(0)
    spoofed = [f"203.0.113.{n}" for n in range(LINK_LIMIT + 1)]
    statuses = _guesses(app, spoofed)
    assert statuses[:LINK_LIMIT] == [404] * LINK_LIMIT
    assert statuses[LINK_LIMIT] == 429, "a fresh X-Forwarded-For per guess escaped the limit"
    figure(
        "security",
        "spoofed X-Forwarded-For guesses let through past the limit",
        statuses.count(404) - LINK_LIMIT,
        "requests",
    )


def test_with_one_trusted_proxy_its_x_forwarded_for_names_the_client(limited_app):
    app = limited_app(1)
    # Different people behind the proxy each get their own count...
    statuses = _guesses(app, [f"203.0.113.{n}" for n in range(LINK_LIMIT + 1)])
    assert statuses == [404] * (LINK_LIMIT + 1)
    # ...and one person is still limited, whatever address the proxy itself connects from.
    statuses = _guesses(app, ["198.51.100.7"] * (LINK_LIMIT + 1))
    assert statuses[LINK_LIMIT] == 429
    # Only the proxy's own (rightmost) entry is believed: a client cannot prepend its way out.
    statuses = _guesses(app, [f"10.9.9.{n}, 198.51.100.7" for n in range(3)])
    assert statuses == [429] * 3


def test_trusted_proxy_hops_cannot_be_negative(database_url, localstripe, mail_server):
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        create_app({**app_config(database_url, localstripe, mail_server), "TRUSTED_PROXY_HOPS": -1})
