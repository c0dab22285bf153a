"""Idempotency-Key on the API's POSTs: the same key and body replay the first answer (and do
nothing again), the same key with another body is refused, no key means a new request each time,
and two requests with one key at the same moment still do the work once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from portal import clock
from portal.api import keys
from portal.extensions import db
from portal.links import service
from portal.models import MagicLink, Message
from portal.models.api import IdempotentRequest
from tests.api.seeding import bearer
from tests.helpers.records import count, events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def token(account):
    token = keys.create(account.creditor, "collection system")[1]
    db.session.commit()
    return token


def _issue(client, account, token, body, key=None):
    headers = {**bearer(token), **({"Idempotency-Key": key} if key else {})}
    return client.post(f"/api/v1/accounts/{account.id}/links", json=body, headers=headers)


def test_the_same_key_and_body_replay_the_first_answer_and_issue_once(client, account, token):
    first = _issue(client, account, token, {"days": 7}, key="batch-42-ACC-1")
    again = _issue(client, account, token, {"days": 7}, key="batch-42-ACC-1")

    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data() and again.json["id"] == first.json["id"]
    assert count(MagicLink) == 1 and len(events(account, "link_issued")) == 1


def test_the_same_key_with_another_body_is_refused(client, account, token):
    assert _issue(client, account, token, {"days": 7}, key="k-1").status_code == 201

    other = _issue(client, account, token, {"days": 8}, key="k-1")

    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"
    assert other.json["error"]["field"] == "Idempotency-Key"
    assert count(MagicLink) == 1


def test_the_same_key_on_another_route_is_refused(client, account, token):
    assert _issue(client, account, token, {}, key="k-2").status_code == 201
    headers = {**bearer(token), "Idempotency-Key": "k-2"}
    other = client.post(f"/api/v1/accounts/{account.id}/links/send", json={}, headers=headers)
    assert other.status_code == 422 and other.json["error"]["code"] == "idempotency_key_reused"
    assert count(Message) == 0


def test_without_a_key_each_request_is_new(client, account, token):
    first, second = _issue(client, account, token, {}), _issue(client, account, token, {})

    assert first.status_code == second.status_code == 201 and first.json["id"] != second.json["id"]
    assert count(MagicLink) == 2 and len(events(account, "link_issued")) == 2


def test_keys_of_two_api_keys_are_apart(client, account, token):
    other_token = keys.create(account.creditor, "second system")[1]
    db.session.commit()

    first = _issue(client, account, token, {}, key="same")
    second = _issue(client, account, other_token, {}, key="same")

    assert "Idempotent-Replayed" not in second.headers and first.json["id"] != second.json["id"]


def test_a_refused_request_leaves_its_key_free_for_the_retry(client, account, token):
    account.on_hold = True
    db.session.commit()
    refused = _issue(client, account, token, {}, key="retry-me")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "account_on_hold"

    account.on_hold = False
    db.session.commit()
    retried = _issue(client, account, token, {}, key="retry-me")

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


def test_a_sent_link_is_replayed_and_sent_once(client, account, token, mailbox, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    headers = {**bearer(token), "Idempotency-Key": "send-1"}
    path = f"/api/v1/accounts/{account.id}/links/send"

    first = client.post(path, json={"channel": "email"}, headers=headers)
    again = client.post(path, json={"channel": "email"}, headers=headers)

    assert first.status_code == again.status_code == 202 and again.json == first.json
    assert (
        again.headers["Location"] == first.headers["Location"]
        and again.headers["Idempotent-Replayed"] == "true"
    )
    assert len(mailbox.wait_for(1)) == 1 and count(Message) == 1
    time.sleep(0.2)  # a second email, were there one, would have arrived by now
    assert len(mailbox.arrived()) == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "tab\there"])
def test_a_malformed_key_is_refused(client, account, token, key):
    answer = _issue(client, account, token, {}, key=None)
    assert answer.status_code == 201
    headers = {**bearer(token), "Idempotency-Key": key}
    refused = client.post(f"/api/v1/accounts/{account.id}/links", json={}, headers=headers)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "invalid_idempotency_key"
    assert count(MagicLink) == 1


def test_two_requests_with_one_key_at_once_make_one_link(app, account, token, monkeypatch):
    issue = service.issue

    def slow_issue(*args, **kwargs):
        time.sleep(0.5)  # the other request arrives while this one holds the key
        return issue(*args, **kwargs)

    monkeypatch.setattr(service, "issue", slow_issue)
    path = f"/api/v1/accounts/{account.id}/links"
    barrier = threading.Barrier(2, timeout=20)
    answers, errors = [], []

    def post():
        with app.app_context():
            client = app.test_client()
            try:
                barrier.wait()
                headers = {**bearer(token), "Idempotency-Key": "nightly-7"}
                answers.append(client.post(path, json={"days": 5}, headers=headers))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_data() == answers[1].get_data()
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert count(MagicLink) == 1 and len(events(account, "link_issued")) == 1


def test_a_replayed_new_webhook_answer_withholds_the_secret(client, account, token):
    headers = {**bearer(token), "Idempotency-Key": "hook-1"}
    body = {"url": "https://collections.example.com/hooks"}
    first = client.post("/api/v1/webhooks", json=body, headers=headers)
    again = client.post("/api/v1/webhooks", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json["secret"].startswith("whsec_")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["secret"] is None
    assert again.json["id"] == first.json["id"]
    kept = db.session.scalar(db.select(IdempotentRequest).where(IdempotentRequest.key == "hook-1"))
    assert first.json["secret"] not in kept.body
