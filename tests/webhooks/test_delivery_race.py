"""Several deliverers at once deliver each message once and in order per account: the claims
(FOR UPDATE SKIP LOCKED on PostgreSQL; one writer at a time on SQLite) and the in-order rule hold.

Huey's immediate mode is switched off while the messages are written, so the threads here are the
only deliverers; each calls `delivery.deliver_due` with its own app context and connection.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

from sqlalchemy import select

from portal.extensions import db
from portal.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookMessage
from portal.notify import optout
from portal.webhooks import delivery
from tests.helpers import scale
from tests.webhooks.conftest import NOON


def _run_together(app, workers: int, work) -> list[BaseException]:
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                work(worker)
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_deliverers_at_once_send_each_message_once_in_order(
    app, make_account, endpoint_for, receiver, task_queue
):
    accounts, workers = scale.pick(12, 60), scale.pick(4, 8)
    people = [make_account(f"ACC-{n}", email=f"p{n}@example.com") for n in range(accounts)]
    endpoint_for("acme", receiver.url)
    task_queue.immediate = False  # queue only: the threads below are the deliverers
    for person in people:
        for channel in ("email", "sms", "phone"):
            optout.record_opt_out(person.debtor, channel)
    task_queue.storage.flush_all()
    task_queue.immediate = True
    count = accounts * 3

    delivered = Counter()
    errors = _run_together(app, workers, lambda w: delivered.update({w: delivery.deliver_due(NOON)}))

    assert errors == []
    scale.figure("webhooks", "deliverers at once", workers, "threads")
    scale.figure("webhooks", "messages received more than once", len(receiver.received) - count, "messages")
    assert sum(delivered.values()) == count
    assert len(receiver.received) == count
    assert len(set(receiver.ids())) == count
    per_account = defaultdict(list)
    for got in receiver.received:
        per_account[got.payload["data"]["account_reference"]].append(got.payload["data"]["channel"])
    assert all(channels == ["email", "sms", "phone"] for channels in per_account.values())
    assert len(per_account) == accounts
    db.session.expire_all()
    assert {d.status for d in db.session.scalars(select(WebhookDelivery))} == {DeliveryStatus.DELIVERED}
    assert db.session.scalar(select(db.func.count()).select_from(WebhookMessage)) == count
