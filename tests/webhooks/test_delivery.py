"""Delivering to a real local HTTP receiver: retries with back-off, one webhook-id throughout,
order per account, leases, abandonment, and the signature checked by the reference verifier.

The first try of each message is made by the hand-over after commit (Huey in immediate mode, the
autouse `task_queue` fixture); later tries by calling `delivery.deliver_due` directly at the
moments the back-off schedule names (the clock is pinned to NOON).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from portal.extensions import db
from portal.models.webhooks import DeliveryStatus, WebhookAttempt, WebhookDelivery
from portal.notify import optout
from portal.webhooks import delivery
from tests.webhooks.conftest import NOON
from tests.webhooks.receiver import HANG


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr("portal.clock.now", lambda: NOON)


def _deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _opt_out(account, channel="email"):
    optout.record_opt_out(account.debtor, channel)  # commits: the hand-over tries at once


def test_signed_so_the_reference_verifier_accepts_it(make_account, receiver, endpoint_for):
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)

    _opt_out(account)

    (got,) = receiver.received
    verified = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert verified["type"] == "contact.opted_out"
    assert verified["data"] == {
        "account_id": account.id,
        "account_reference": "ACC-1",
        "creditor": "acme",
        "channel": "email",
    }
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    # The verifier is not a rubber stamp: another body, or another endpoint's secret, fails.
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(got.body.replace(b"email", b"phone"), got.headers)
    other = endpoint_for("acme", receiver.url + "/other", types=["plan.broken"])
    with pytest.raises(WebhookVerificationError):
        Webhook(other.secret).verify(got.body, got.headers)


def test_fails_then_times_out_then_is_accepted_once_with_the_same_id(make_account, receiver, endpoint_for):
    receiver.script = [500, HANG]
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)

    _opt_out(account)  # try 1: HTTP 500
    (waiting,) = _deliveries()
    assert (waiting.status, waiting.attempts, waiting.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert waiting.next_attempt_at == NOON + delivery.BACKOFF[0]
    assert delivery.deliver_due(NOON + timedelta(seconds=4)) == 0  # not before its time
    assert len(receiver.received) == 1

    assert delivery.deliver_due(NOON + timedelta(seconds=5)) == 0  # try 2: no answer in time
    (waiting,) = _deliveries()
    assert (waiting.status, waiting.attempts, waiting.last_error) == (DeliveryStatus.FAILED, 2, "timeout")
    later = NOON + timedelta(seconds=5) + delivery.BACKOFF[1]
    assert waiting.next_attempt_at == later

    assert delivery.deliver_due(later) == 1  # try 3: taken
    assert delivery.deliver_due(later + timedelta(days=2)) == 0  # and never sent again

    assert [r.answer for r in receiver.received] == [500, HANG, 200]
    assert len(set(receiver.ids())) == 1
    for got in receiver.received:
        Webhook(endpoint.secret).verify(got.body, got.headers)
    (done,) = _deliveries()
    assert (done.status, done.attempts, done.delivered_at) == (DeliveryStatus.DELIVERED, 3, later)
    log = delivery.attempt_log(endpoint.id)
    assert [(a.status_code, a.error) for a, _ in reversed(log)] == [
        (500, "HTTP 500"),
        (None, "timeout"),
        (200, None),
    ]


def test_given_up_after_the_last_try_of_about_a_day(make_account, receiver, endpoint_for):
    receiver.script = [500] * delivery.TRIES
    make_account()
    endpoint_for("acme", receiver.url, contact=None)
    account = make_account("ACC-2")

    _opt_out(account)
    moment = NOON
    for wait in delivery.BACKOFF:
        moment += wait
        delivery.deliver_due(moment)

    assert len(receiver.received) == delivery.TRIES == 8
    assert timedelta(hours=24) < moment - NOON < timedelta(hours=28)
    (given_up,) = _deliveries()
    assert (given_up.status, given_up.attempts) == (DeliveryStatus.ABANDONED, 8)
    assert delivery.deliver_due(moment + timedelta(days=3)) == 0
    assert len(receiver.received) == 8


def test_a_later_message_for_the_same_account_waits_for_the_earlier_one(make_account, receiver, endpoint_for):
    receiver.script = [500]
    first, other = make_account("ACC-1"), make_account("ACC-2", email="other@example.com")
    endpoint_for("acme", receiver.url)

    _opt_out(first, "email")  # refused
    _opt_out(first, "sms")  # waits behind the refused one
    _opt_out(other, "email")  # another account: not held back

    assert [r.payload["data"]["account_reference"] for r in receiver.received] == ["ACC-1", "ACC-2"]
    assert delivery.deliver_due(NOON + timedelta(seconds=1)) == 0
    # The first is taken, and in the next batch the one that waited behind it.
    assert delivery.deliver_due(NOON + delivery.BACKOFF[0]) == 2

    channels = [
        (r.payload["data"]["account_reference"], r.payload["data"]["channel"]) for r in receiver.received
    ]
    assert channels == [("ACC-1", "email"), ("ACC-2", "email"), ("ACC-1", "email"), ("ACC-1", "sms")]
    assert {d.status for d in _deliveries()} == {DeliveryStatus.DELIVERED}


def test_a_claim_holds_it_until_its_lease_runs_out_then_it_is_tried_again(
    make_account, receiver, endpoint_for, task_queue
):
    account = make_account()
    endpoint_for("acme", receiver.url)
    task_queue.immediate = False  # queue only: this test is the deliverer
    _opt_out(account)
    task_queue.storage.flush_all()
    task_queue.immediate = True

    (claimed,) = delivery.claim(NOON, 10)  # a deliverer took it, then stopped before sending
    assert delivery.claim(NOON + delivery.LEASE - timedelta(seconds=1), 10) == []
    assert delivery.deliver_due(NOON + delivery.LEASE) == 1  # at least once: another takes it
    (done,) = _deliveries()
    assert (done.id, done.status, done.attempts) == (claimed, DeliveryStatus.DELIVERED, 2)
    assert db.session.scalar(select(WebhookAttempt.status_code)) == 200


def test_a_claimed_batch_is_never_larger_than_asked(make_account, receiver, endpoint_for, task_queue):
    """PostgreSQL may run an `IN (subquery ... LIMIT n SKIP LOCKED)` once per row it updates and so
    claim every due delivery: the claim must take *size* and leave the rest to other deliverers."""
    accounts = [make_account(f"ACC-{n}", email=f"person{n}@example.com") for n in range(4)]
    endpoint_for("acme", receiver.url)
    task_queue.immediate = False  # queued only: this test claims them itself
    for account in accounts:
        _opt_out(account)
    task_queue.storage.flush_all()
    task_queue.immediate = True

    first = delivery.claim(NOON, 2)
    assert len(first) == 2
    second = delivery.claim(NOON, 2)
    assert len(second) == 2 and not set(first) & set(second)
    assert delivery.claim(NOON, 2) == []
