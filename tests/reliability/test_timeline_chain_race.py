"""Many writers appending to one account's timeline at once never fork its hash chain."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from portal import timeline
from portal.extensions import db
from portal.models import Event
from tests.helpers import scale


def test_concurrent_appends_to_one_account_keep_one_unbroken_chain(app, make_account):
    account = make_account()
    account_id = account.id
    writers = scale.pick(4, 8)
    rounds = scale.pick(8, 60)
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                for n in range(rounds):
                    # Every other transaction appends two events, as a request often does.
                    for part in range(1 + n % 2):
                        timeline.record(
                            account_id, "note_added", actor="collector", writer=writer, n=n, part=part
                        )
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    expected = writers * sum(1 + n % 2 for n in range(rounds))
    db.session.expire_all()
    seqs = db.session.scalars(
        select(Event.seq).where(Event.account_id == account_id).order_by(Event.id)
    ).all()
    started = time.perf_counter()
    [checked] = timeline.verify(account_ids=[account_id])
    scale.figure("timeline", "time to verify the chain", round(time.perf_counter() - started, 3), "s")
    scale.figure("timeline", "events appended concurrently to one account", len(seqs), "events")
    scale.figure("timeline", "concurrent writers", writers, "threads")
    scale.figure("timeline", "append errors seen", len(errors), "errors")
    scale.figure("timeline", "chain breaks found", len(checked.breaks), "breaks")
    assert errors == []
    assert seqs == list(range(1, expected + 1))
    assert checked.breaks == [] and checked.events == expected
