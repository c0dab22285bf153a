"""The observer writes webhook messages only when someone listens, cheaply when nobody does, and
nothing for a transaction that rolls back. First tries go through Huey's immediate mode."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select

from portal import timeline
from portal.extensions import db
from portal.models.webhooks import WebhookDelivery, WebhookMessage
from portal.notify import optout


@contextmanager
def statements():
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_with_no_endpoint_nothing_is_written_and_endpoints_are_read_once_per_transaction(make_account):
    account = make_account()
    with statements() as seen:
        timeline.record(account, "balance_viewed", actor="debtor")  # never a webhook: not even a read
        db.session.commit()
    assert not [s for s in seen if "webhook_" in s]

    with statements() as seen:
        timeline.record(account, "opted_out", actor="debtor", channel="email")
        timeline.record(account, "opted_out", actor="debtor", channel="sms")
        timeline.record_many([(account.id, "opted_out", "debtor", {"channel": "phone"})])
        db.session.commit()
    reads = [s for s in seen if "webhook_" in s]
    assert len(reads) == 1 and "FROM webhook_endpoints" in reads[0]
    assert _count(WebhookMessage) == _count(WebhookDelivery) == 0


def test_only_subscribed_endpoints_of_the_accounts_creditor_get_a_message(
    make_account, receiver, endpoint_for
):
    ours = make_account("ACC-1")
    make_account("OTHER-1", creditor_slug="other", creditor_name="Other Bank", email="o@example.com")
    wants_all = endpoint_for("acme", receiver.url)
    endpoint_for("acme", receiver.url + "/plans", types=["plan.broken", "plan.completed"])
    endpoint_for("other", receiver.url + "/other")

    optout.record_opt_out(ours.debtor, "email")

    (message,) = db.session.scalars(select(WebhookMessage))
    assert (message.event_type, message.account_id, message.creditor_id) == (
        "contact.opted_out",
        ours.id,
        ours.creditor_id,
    )
    assert [d.endpoint_id for d in db.session.scalars(select(WebhookDelivery))] == [wants_all.id]
    assert [r.headers["webhook-id"] for r in receiver.received] == [message.public_id]


def test_a_rolled_back_cause_writes_and_sends_nothing(make_account, receiver, endpoint_for):
    account = make_account()
    endpoint_for("acme", receiver.url)

    optout.record_opt_out(account.debtor, "email", commit=False)
    db.session.rollback()
    optout.record_opt_out(account.debtor, "sms")  # the next transaction sends its own only

    assert [r.payload["data"]["channel"] for r in receiver.received] == ["sms"]
    assert _count(WebhookMessage) == 1


def test_a_disabled_endpoint_gets_no_new_messages(make_account, receiver, endpoint_for, runner):
    account = make_account()
    endpoint = endpoint_for("acme", receiver.url)
    assert runner.invoke(args=["disable-webhook", str(endpoint.id)]).exit_code == 0

    optout.record_opt_out(account.debtor, "email")

    assert _count(WebhookMessage) == 0
    assert receiver.received == []
