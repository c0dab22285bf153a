"""The issue's "done when", end to end: a collection system that knows only the API and its
webhooks pushes accounts, subscribes, sends a link, and learns that the person opened it,
confirmed who they are and paid, then reads the payment and the balance back. The debtor pays
through the real pages against localstripe; deliveries go through Huey's immediate mode (the
hand-over after each commit) to a live HTTP receiver, and each is checked with the Standard
Webhooks reference verifier."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from portal import clock
from tests.api.seeding import bearer
from tests.helpers.cards import VISA_OK, type_card
from tests.helpers.mail import body
from tests.webhooks.receiver import Receiver

MORNING = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in New York


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _account(reference: str, email: str) -> dict:
    return {
        "reference": reference,
        "full_name": "Grace Hopper",
        "email": email,
        "date_of_birth": "1976-12-09",
        "currency": "USD",
        "principal": "240.00",
        "interest": "12.50",
        "fees": "0",
    }


def test_a_collection_system_learns_every_outcome_through_the_api_and_webhooks_alone(
    app, make_account, runner, receiver, mailbox, localstripe, monkeypatch
):
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    make_account("ACC-0", creditor_slug="riverside", creditor_name="Riverside Medical")
    printed = runner.invoke(args=["create-api-key", "--creditor", "riverside", "--name", "collect"])
    assert printed.exit_code == 0, printed.output
    system = app.test_client()
    headers = bearer(printed.output.strip().splitlines()[-1])

    endpoint = system.post("/api/v1/webhooks", json={"url": receiver.url}, headers=headers)
    assert endpoint.status_code == 201, endpoint.json
    verifier = Webhook(endpoint.json["secret"])

    pushed = system.post(
        "/api/v1/accounts/batch",
        json={"accounts": [_account("RMG-1", "grace@example.com"), _account("RMG-2", "ada@example.com")]},
        headers={**headers, "Idempotency-Key": "nightly-2027-01-15"},
    )
    assert pushed.status_code == 200 and pushed.json["created"] == 2, pushed.json
    account_id = pushed.json["results"][0]["account_id"]

    sent = system.post(
        f"/api/v1/accounts/{account_id}/links/send", json={"channel": "email"}, headers=headers
    )
    assert sent.status_code == 202, sent.json
    (email,) = mailbox.wait_for(1)
    path = re.search(r"http://portal\.test(/l/[\w.-]+)", body(email, "plain")).group(1)

    debtor = app.test_client()
    assert debtor.get(path).status_code in (200, 302, 303)
    assert debtor.post("/verify", data={"day": "9", "month": "12", "year": "1976"}).status_code in (302, 303)
    paid = debtor.post("/pay", data={"setup_intent": type_card(debtor, localstripe, "/pay", VISA_OK)})
    assert paid.status_code == 303 and paid.headers["Location"].startswith("/receipt/")

    events = [verifier.verify(got.body, got.headers) for got in receiver.received]
    assert [event["type"] for event in events] == [
        "account.link_opened",
        "account.identity_confirmed",
        "payment.succeeded",
    ]
    assert {(e["data"]["account_id"], e["data"]["account_reference"]) for e in events} == {
        (account_id, "RMG-1")
    }
    assert events[-1]["data"]["amount"] == "252.50" and events[-1]["data"]["currency"] == "USD"
    assert len(set(receiver.ids())) == 3

    account = system.get(f"/api/v1/accounts/{account_id}", headers=headers).json
    assert (account["status"], account["paid"], account["balance"]) == ("paid", "252.50", "0.00")
    (payment,) = system.get(f"/api/v1/accounts/{account_id}/payments", headers=headers).json["data"]
    assert payment["amount"] == "252.50"
    kinds = [
        e["kind"] for e in system.get(f"/api/v1/accounts/{account_id}/events", headers=headers).json["data"]
    ]
    assert kinds[0] == "account_imported" and "payment_succeeded" in kinds
