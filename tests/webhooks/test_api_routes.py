"""/api/v1/webhooks: a key manages its own creditor's endpoints only; the secret is shown once
and signs what is delivered; the delivery log reads each try. Deliveries go through Huey's
immediate mode (the hand-over after each commit)."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from portal import clock
from portal.api import keys
from portal.extensions import db
from portal.notify import optout
from portal.webhooks import delivery
from tests.api.seeding import bearer

BASE = "/api/v1/webhooks"


@pytest.fixture
def account(make_account):
    return make_account()


def _key(account, scopes=("webhooks:manage",)):
    _, token = keys.create(account.creditor, "collection system", list(scopes))
    db.session.commit()
    return bearer(token)


def test_an_endpoint_added_by_api_is_sent_signed_events_and_logs_them(client, account, receiver):
    headers = _key(account)
    added = client.post(
        BASE,
        json={"url": receiver.url, "event_types": ["contact.opted_out"], "contact_email": "ops@acme.example"},
        headers=headers,
    )
    assert added.status_code == 201, added.json
    secret, endpoint_id = added.json["secret"], added.json["id"]
    assert secret.startswith("whsec_")
    assert added.json["event_types"] == ["contact.opted_out"] and added.json["state"] == "enabled"

    receiver.script = [500]
    optout.record_opt_out(account.debtor, "email")
    delivery.deliver_due(clock.now() + delivery.BACKOFF[0])

    for got in receiver.received:
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "contact.opted_out"
    listing = client.get(BASE, headers=headers)
    assert [e["id"] for e in listing.json["data"]] == [endpoint_id]
    assert (
        secret not in listing.text and secret not in client.get(f"{BASE}/{endpoint_id}", headers=headers).text
    )
    log = client.get(f"{BASE}/{endpoint_id}/deliveries", headers=headers).json["data"]
    assert [(t["status_code"], t["error"], t["delivery_status"]) for t in log] == [
        (500, "HTTP 500", "delivered"),
        (200, None, "delivered"),
    ]
    assert {t["message_id"] for t in log} == {receiver.received[0].headers["webhook-id"]}


def test_removed_endpoints_get_nothing_and_answer_404(client, account, receiver):
    headers = _key(account)
    endpoint_id = client.post(BASE, json={"url": receiver.url}, headers=headers).json["id"]

    assert client.delete(f"{BASE}/{endpoint_id}", headers=headers).status_code == 204
    optout.record_opt_out(account.debtor, "email")

    assert receiver.received == []
    assert client.get(f"{BASE}/{endpoint_id}", headers=headers).status_code == 404
    assert client.delete(f"{BASE}/{endpoint_id}", headers=headers).status_code == 404
    assert client.get(BASE, headers=headers).json["data"] == []


def test_another_creditors_key_sees_none_of_them(client, account, make_account):
    headers = _key(account)
    endpoint_id = client.post(BASE, json={"url": "https://acme.example/hooks"}, headers=headers).json["id"]
    other = _key(make_account("O-1", creditor_slug="other", creditor_name="Other", email="o@example.com"))

    assert client.get(BASE, headers=other).json["data"] == []
    for answer in (
        client.get(f"{BASE}/{endpoint_id}", headers=other),
        client.get(f"{BASE}/{endpoint_id}/deliveries", headers=other),
        client.delete(f"{BASE}/{endpoint_id}", headers=other),
    ):
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert client.get(f"{BASE}/{endpoint_id}", headers=headers).json["state"] == "enabled"


def test_bad_endpoints_are_refused_with_the_field(client, account):
    headers = _key(account)
    bad_url = client.post(BASE, json={"url": "ftp://acme.example/hooks"}, headers=headers)
    assert bad_url.status_code == 422 and bad_url.json["error"]["field"] == "url"
    bad_type = client.post(
        BASE, json={"url": "https://acme.example/h", "event_types": ["nope"]}, headers=headers
    )
    assert bad_type.status_code == 422
    assert client.get(BASE, headers=_key(account, ["accounts:read"])).status_code == 403
    assert client.get(BASE, headers=headers).json["data"] == []
