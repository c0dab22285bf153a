"""Several senders draining the outbox at once, and a campaign command run twice at once, send
each message once: the claims (FOR UPDATE SKIP LOCKED on PostgreSQL) and the message keys hold.

Huey's immediate mode is switched off while queueing, so the threads here are the only senders;
each has its own app context and database connection, as a consumer's workers do.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal import timeline
from portal.collector import campaigns
from portal.extensions import db
from portal.models import Campaign, Creditor, Event, Message, MessageStatus
from portal.notify import sender
from tests.helpers import scale

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York


def _accounts(make_account, count: int) -> list[int]:
    return [
        make_account(f"ACC-{n}", full_name=f"Person {n}", email=f"person{n}@example.com").id
        for n in range(count)
    ]


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


def test_senders_draining_at_once_send_each_message_once(app, make_account, mailbox, task_queue):
    count, workers = scale.pick(60, 600), scale.pick(4, 8)
    ids = _accounts(make_account, count)
    creditor = db.session.scalar(select(Creditor))
    task_queue.immediate = False  # queue only: the threads below are the senders
    selection = campaigns.Selection("all", ids, identity="race")
    campaign = campaigns.start(creditor, "email", selection, None, MORNING)
    db.session.commit()
    assert campaigns.queue(campaign, ids, MORNING) == (count, 0)
    task_queue.storage.flush_all()
    task_queue.immediate = True

    sent = Counter()
    errors = _run_together(app, workers, lambda w: sent.update({w: sender.send_due(MORNING)}))

    assert errors == []
    mails = mailbox.wait_for(count, seconds=30)
    scale.figure("outbox", "senders draining at once", workers, "threads")
    scale.figure("outbox", "messages sent more than once", len(mails) - count, "messages")
    assert sum(sent.values()) == count
    assert sorted(m["To"] for m in mails) == sorted(f"person{n}@example.com" for n in range(count))
    db.session.expire_all()
    statuses = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    assert statuses == [(MessageStatus.SENT, count)]
    per_account = db.session.execute(
        select(Event.account_id, func.count()).where(Event.kind == "link_sent").group_by(Event.account_id)
    ).all()
    assert len(per_account) == count and {n for _, n in per_account} == {1}
    assert all(check.breaks == [] for check in timeline.verify(account_ids=ids))


def test_the_same_campaign_queued_twice_at_once_has_one_message_per_account(
    app, make_account, mailbox, task_queue
):
    count = scale.pick(200, 2000)
    ids = _accounts(make_account, count)
    creditor_id = db.session.scalar(select(Creditor.id))
    task_queue.immediate = False
    results = []

    def queue_campaign(worker: int) -> None:
        creditor = db.session.get(Creditor, creditor_id)
        selection = campaigns.Selection("all", ids, identity="twice")
        campaign = campaigns.start(creditor, "email", selection, None, MORNING)
        db.session.commit()
        results.append(campaigns.queue(campaign, ids, MORNING))

    errors = _run_together(app, 2, queue_campaign)
    task_queue.storage.flush_all()
    task_queue.immediate = True

    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert sum(queued for queued, _ in results) == count
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Message)) == count
    queued_events = db.session.scalar(
        select(func.count()).select_from(Event).where(Event.kind == "message_queued")
    )
    assert queued_events == count
    assert all(check.breaks == [] for check in timeline.verify(account_ids=ids))
    assert sender.send_due(MORNING) == count
    assert len(mailbox.wait_for(count, seconds=30)) == count
