"""An endpoint whose every try has failed for a day is disabled and its contact emailed once; a
success clears the count; enabling it sends what waited. Later tries call `delivery.deliver_due`
directly with the clock pinned; first tries are the immediate hand-over (Huey immediate mode)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models.webhooks import DeliveryStatus, EndpointState, WebhookDelivery, WebhookEndpoint
from portal.notify import optout
from portal.webhooks import delivery, endpoints, health
from tests.helpers.mail import REFUSED_DOMAIN
from tests.webhooks.conftest import NOON


class Clock:
    def __init__(self):
        self.now = NOON


@pytest.fixture
def clock(monkeypatch):
    pinned = Clock()
    monkeypatch.setattr("portal.clock.now", lambda: pinned.now)
    return pinned


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    db.session.expire_all()
    return db.session.get(WebhookEndpoint, endpoint_id)


def test_failing_for_a_day_disables_it_and_tells_the_contact_once(
    make_account, receiver, endpoint_for, clock, mailbox
):
    receiver.script = [500] * 20
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url, contact="ops@acme.example")
    optout.record_opt_out(account.debtor, "email")  # fails at NOON

    moment = NOON
    for wait in delivery.BACKOFF:
        moment += wait
        delivery.deliver_due(moment)
        state = _endpoint(endpoint.id).state
        # Disabled by the first failed try a day or more after the first failure, not before.
        assert state is (
            EndpointState.DISABLED if moment - NOON >= health.DISABLE_AFTER else EndpointState.ENABLED
        )

    disabled = _endpoint(endpoint.id)
    assert (disabled.disabled_reason, disabled.disabled_at, disabled.failing_since) == (
        "failing",
        moment,
        NOON,
    )
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "ops@acme.example"
    assert f"endpoint {endpoint.id}" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert receiver.url in body and f"enable-webhook {endpoint.id}" in body
    assert endpoint.secret not in body
    # Nothing more is tried, written or emailed while it is disabled.
    tries = len(receiver.received)
    clock.now = moment + timedelta(hours=1)
    optout.record_opt_out(account.debtor, "sms")
    assert delivery.sweep(moment + timedelta(days=2)) == 0
    assert len(receiver.received) == tries
    assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 1
    assert len(mailbox.arrived()) == 1


def test_a_success_clears_the_failing_count(make_account, receiver, endpoint_for, clock):
    receiver.script = [500]
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    optout.record_opt_out(account.debtor, "email")  # fails at NOON
    assert _endpoint(endpoint.id).failing_since == NOON
    assert delivery.deliver_due(NOON + delivery.BACKOFF[0]) == 1
    assert _endpoint(endpoint.id).failing_since is None

    receiver.script = [500]
    clock.now = NOON + timedelta(hours=25)
    optout.record_opt_out(account.debtor, "sms")  # fails a day after the first failure
    again = _endpoint(endpoint.id)
    assert (again.state, again.failing_since) == (EndpointState.ENABLED, clock.now)


def test_a_notice_the_mail_server_refused_is_sent_by_a_later_sweep(
    make_account, receiver, endpoint_for, clock, mailbox
):
    receiver.script = [500] * 3
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url, contact=f"ops@{REFUSED_DOMAIN}")
    optout.record_opt_out(account.debtor, "email")
    clock.now = NOON + timedelta(days=1)
    optout.record_opt_out(account.debtor, "sms")  # waits behind the first: not tried
    assert delivery.deliver_due(NOON + delivery.BACKOFF[0]) == 0
    assert delivery.deliver_due(NOON + timedelta(days=1)) == 0  # disables it; the notice is refused
    assert _endpoint(endpoint.id).notice_sent_at is None

    _endpoint(endpoint.id).contact_email = "ops@acme.example"
    db.session.commit()
    delivery.sweep(NOON + timedelta(days=1, minutes=1))
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "ops@acme.example"
    assert _endpoint(endpoint.id).notice_sent_at == NOON + timedelta(days=1, minutes=1)


def test_enabling_sends_what_waited_first(make_account, receiver, endpoint_for, clock):
    receiver.script = [500, 500]
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    optout.record_opt_out(account.debtor, "email")
    clock.now = NOON + timedelta(days=1)
    optout.record_opt_out(account.debtor, "sms")
    delivery.deliver_due(clock.now)  # a day of failures: disabled
    assert _endpoint(endpoint.id).state is EndpointState.DISABLED

    clock.now = NOON + timedelta(days=2)
    assert endpoints.enable(_endpoint(endpoint.id), clock.now) == 2
    db.session.commit()
    assert delivery.deliver_due(clock.now) == 2
    channels = [r.payload["data"]["channel"] for r in receiver.received]
    assert channels == ["email", "email", "email", "sms"]
    db.session.expire_all()
    assert {d.status for d in db.session.scalars(select(WebhookDelivery))} == {DeliveryStatus.DELIVERED}
