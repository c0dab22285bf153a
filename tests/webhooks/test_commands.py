"""The webhook commands: add (the secret printed once and usable), list, disable, enable, remove,
the delivery log and replay. Deliveries go through Huey's immediate mode (the hand-over after
each commit), and `delivery.deliver_due` is called directly for retries."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from standardwebhooks import Webhook

from portal.extensions import db
from portal.models.webhooks import EndpointState, WebhookDelivery, WebhookEndpoint
from portal.notify import optout
from portal.webhooks import delivery


def _add(runner, *args):
    return runner.invoke(args=["add-webhook", *args])


def test_add_prints_the_id_and_a_secret_the_receiver_verifies_with(runner, make_account, receiver):
    account = make_account()
    result = _add(
        runner,
        "--creditor",
        "acme",
        receiver.url,
        "--event",
        "contact.opted_out",
        "--contact",
        "ops@acme.example",
    )

    assert result.exit_code == 0, result.output
    endpoint_id = int(re.search(r"Endpoint (\d+) for acme", result.output).group(1))
    secret = re.search(r"(whsec_\S+)", result.output).group(1)
    optout.record_opt_out(account.debtor, "email")
    (got,) = receiver.received
    assert Webhook(secret).verify(got.body, got.headers)["type"] == "contact.opted_out"
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert (endpoint.event_types, endpoint.contact_email) == (["contact.opted_out"], "ops@acme.example")

    listing = runner.invoke(args=["list-webhooks", "--creditor", "acme"])
    assert listing.exit_code == 0
    assert (
        f"{endpoint_id}\tacme\tenabled\t{receiver.url}\tevents: contact.opted_out\tcontact: ops@acme.example"
        in listing.output
    )
    assert secret not in listing.output


def test_add_refuses_what_cannot_work(runner, make_account, app):
    make_account()
    assert "No creditor 'nobody'" in _add(runner, "--creditor", "nobody", "https://hooks.example/x").output
    assert "absolute http(s) address" in _add(runner, "--creditor", "acme", "ftp://hooks.example/x").output
    bad_type = _add(runner, "--creditor", "acme", "https://hooks.example/x", "--event", "payment.exploded")
    assert bad_type.exit_code == 2 and "payment.exploded" in bad_type.output
    app.config["PORTAL_ENV"] = "production"
    try:
        assert "must use https" in _add(runner, "--creditor", "acme", "http://hooks.example/x").output
        assert "private network" in _add(runner, "--creditor", "acme", "https://10.0.0.5/x").output
        assert "private network" in _add(runner, "--creditor", "acme", "https://localhost/x").output
    finally:
        app.config["PORTAL_ENV"] = "test"
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_disable_enable_and_remove(runner, make_account, endpoint_for, receiver):
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    eid = str(endpoint.id)

    assert "disabled" in runner.invoke(args=["disable-webhook", eid]).output
    optout.record_opt_out(account.debtor, "email")  # not written while disabled
    assert "enabled; 0 waiting" in runner.invoke(args=["enable-webhook", eid]).output
    optout.record_opt_out(account.debtor, "sms")
    assert [r.payload["data"]["channel"] for r in receiver.received] == ["sms"]

    assert "removed" in runner.invoke(args=["remove-webhook", eid]).output
    again = runner.invoke(args=["enable-webhook", eid])
    assert again.exit_code == 1 and "was removed" in again.output
    assert "No webhook endpoints." in runner.invoke(args=["list-webhooks"]).output
    assert "removed" in runner.invoke(args=["list-webhooks", "--all"]).output
    assert db.session.get(WebhookEndpoint, endpoint.id).state is EndpointState.REMOVED
    assert runner.invoke(args=["disable-webhook", "999"]).output.strip().endswith("No webhook endpoint 999")


def test_the_delivery_log_shows_each_try_newest_first(runner, make_account, endpoint_for, receiver):
    receiver.script = [503]
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    optout.record_opt_out(account.debtor, "email")
    delivery.deliver_due(db.session.scalar(select(WebhookDelivery.next_attempt_at)))

    lines = runner.invoke(args=["webhook-log", str(endpoint.id)]).output.splitlines()
    assert len(lines) == 2
    assert "contact.opted_out\tHTTP 200" in lines[0] and lines[0].endswith("delivered\tnow delivered")
    assert "contact.opted_out\tHTTP 503" in lines[1] and "failed: HTTP 503" in lines[1]
    assert lines[0].split("\t")[1] == lines[1].split("\t")[1]  # one message id
    assert len(runner.invoke(args=["webhook-log", str(endpoint.id), "--limit", "1"]).output.splitlines()) == 1


def test_replay_sends_messages_again_with_the_same_ids(runner, make_account, endpoint_for, receiver):
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    optout.record_opt_out(account.debtor, "email")
    optout.record_opt_out(account.debtor, "sms")
    first_ids = receiver.ids()
    since = db.session.scalar(select(func.min(WebhookDelivery.created_at)))

    later = runner.invoke(args=["replay-webhooks", "--since", (since + timedelta(days=1)).isoformat()])
    assert "Queued 0 deliveries of 0 messages" in later.output
    result = runner.invoke(
        args=["replay-webhooks", "--since", since.isoformat(), "--endpoint", str(endpoint.id)]
    )

    assert result.exit_code == 0, result.output
    assert "Queued 2 deliveries of 2 messages" in result.output
    assert receiver.ids() == first_ids + first_ids  # in order again, de-duplicable by id
    naive = runner.invoke(args=["replay-webhooks", "--since", "2027-01-01T00:00:00"])
    assert naive.exit_code == 2 and "no time zone" in naive.output
