"""An account's timeline through the API: every event once, oldest first, a page at a time, with
the hashes a collection system needs to check, by the recipe the document gives, that nothing
was edited, removed or slipped in."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from portal import timeline
from portal.api import keys
from portal.extensions import db
from tests.api.seeding import bearer
from tests.helpers.records import events


@pytest.fixture
def account(make_account):
    account = make_account()
    timeline.record(account, "note_added", actor="collector", text="Señora Pérez called ✓", amount=1250)
    for number in range(4):
        timeline.record(account, "reminder_sent", number=number, channels=["email", "sms"])
    db.session.commit()
    return account


@pytest.fixture
def headers(account):
    key, token = keys.create(account.creditor, "collection system")
    db.session.commit()
    return bearer(token)


def _all_pages(client, account, headers, limit):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = client.get(f"/api/v1/accounts/{account.id}/events", query_string=query, headers=headers)
        assert answer.status_code == 200
        pages += 1
        seen += answer.json["data"]
        cursor = answer.json["next_cursor"]
        if cursor is None:
            return seen, pages


def test_every_event_comes_once_oldest_first_across_pages(client, account, headers):
    seen, pages = _all_pages(client, account, headers, limit=2)

    stored = events(account)
    assert pages == 3 and [e["seq"] for e in seen] == [1, 2, 3, 4, 5] == [e.seq for e in stored]
    first = seen[0]
    assert first["kind"] == "note_added" and first["actor"] == "collector"
    assert first["data"] == {"text": "Señora Pérez called ✓", "amount": 1250}
    assert seen[-1]["data"] == {"number": 3, "channels": ["email", "sms"]}
    assert [e["hash"] for e in seen] == [e.hash for e in stored]


def _documented_hash(account_id: int, event: dict) -> str:
    """The recipe the OpenAPI document gives for `hash`, written out here independently."""
    at = datetime.fromisoformat(event["created_at"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "account": account_id,
        "seq": event["seq"],
        "kind": event["kind"],
        "actor": event["actor"],
        "data": event["data"],
        "at": at,
        "prev": event["prev_hash"],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def test_a_collection_system_can_check_the_chain_from_the_answers_alone(client, account, headers):
    seen, _ = _all_pages(client, account, headers, limit=3)

    previous = "0" * 64
    for event in seen:
        assert event["prev_hash"] == previous
        assert _documented_hash(account.id, event) == event["hash"]
        previous = event["hash"]
    document = client.get("/api/v1/openapi.json").json
    described = document["components"]["schemas"]["Event"]["properties"]["hash"]["description"]
    assert "canonical JSON" in described and '"prev": prev_hash' in described


def test_an_edited_event_no_longer_matches_its_hash(client, account, headers):
    seen, _ = _all_pages(client, account, headers, limit=50)
    edited = {**seen[1], "data": {**seen[1]["data"], "number": 99}}
    assert _documented_hash(account.id, edited) != edited["hash"]


def test_an_account_without_events_is_an_empty_page(client, make_account, headers):
    other = make_account("ACC-2")
    answer = client.get(f"/api/v1/accounts/{other.id}/events", headers=headers)
    assert answer.status_code == 200 and answer.json == {"data": [], "next_cursor": None}


@pytest.mark.parametrize("cursor", ["nonsense", "YWZ0ZXI6LTE", "Zm9vOjE"])  # "after:-1", "foo:1"
def test_a_cursor_the_api_did_not_give_is_refused(client, account, headers, cursor):
    answer = client.get(
        f"/api/v1/accounts/{account.id}/events", query_string={"cursor": cursor}, headers=headers
    )
    assert answer.status_code == 422
    assert answer.json["error"] == {
        "code": "invalid_cursor",
        "message": "The cursor is not one this API gave.",
        "field": "cursor",
    }


def test_reading_the_timeline_needs_the_read_scope(client, account):
    key, token = keys.create(account.creditor, "writer only", ["links:write"])
    db.session.commit()
    answer = client.get(f"/api/v1/accounts/{account.id}/events", headers=bearer(token))
    assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
