"""Each API key has its own budget of requests (API_RATE_LIMIT, read at each request): past it
the answer is a 429 in the API's JSON shape with the standard headers, and other keys go on."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.api import keys
from portal.extensions import db
from tests.api.seeding import bearer
from tests.helpers.settings import app_config


@pytest.fixture
def limited_app(database_url, localstripe, mail_server):
    app = create_app(
        {
            **app_config(database_url, localstripe, mail_server),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_past_its_budget_a_key_is_answered_429_and_another_key_is_not(limited_app, make_account):
    account = make_account()
    first = keys.create(account.creditor, "nightly")[1]
    second = keys.create(account.creditor, "daytime")[1]
    db.session.commit()
    # Changed after start-up: the budget is read at each request, not fixed when the app is made.
    limited_app.config["API_RATE_LIMIT"] = "3 per minute"
    client = limited_app.test_client()
    path = f"/api/v1/accounts/{account.id}"

    # One budget across every route of the API, whichever blueprint answers it.
    answers = [
        client.get(path, headers=bearer(first)),
        client.get("/api/v1/accounts", headers=bearer(first)),
        client.get(f"{path}/events", headers=bearer(first)),
        client.get(f"{path}/payments", headers=bearer(first)),
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert all(a.headers["RateLimit-Limit"] == "3" for a in answers)
    refused = answers[3]
    assert refused.is_json and refused.json["error"]["code"] == "rate_limited"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert int(refused.headers["RateLimit-Reset"]) > 0
    assert client.post(f"{path}/links", json={}, headers=bearer(first)).status_code == 429

    other = client.get(path, headers=bearer(second))
    assert other.status_code == 200 and other.headers["RateLimit-Remaining"] == "2"


def test_the_default_budget_is_far_above_a_nightly_batch(limited_app, make_account):
    account = make_account()
    token = keys.create(account.creditor, "nightly")[1]
    db.session.commit()

    answer = limited_app.test_client().get(f"/api/v1/accounts/{account.id}", headers=bearer(token))

    assert answer.status_code == 200 and answer.headers["RateLimit-Limit"] == "600"
