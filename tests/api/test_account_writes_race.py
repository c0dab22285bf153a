"""Two requests creating the same reference at the same moment make one account: the second
waits for the first (an advisory lock per creditor on PostgreSQL, the write lock on SQLite) and
finds it unchanged, never refused by the unique index."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from portal.api import keys
from portal.collector import importer
from portal.extensions import db
from portal.models import Account, Event
from tests.api.seeding import bearer


def test_two_upserts_of_one_new_reference_at_once_make_one_account(app, make_account, monkeypatch):
    account = make_account()
    _key, token = keys.create(account.creditor, "system")
    db.session.commit()
    apply_row = importer.apply_row

    def slow_apply(*args, **kwargs):
        apply_row(*args, **kwargs)
        time.sleep(0.3)  # the other request arrives while this one's account is not committed

    monkeypatch.setattr(importer, "apply_row", slow_apply)
    body = {"reference": "RACE-1", "full_name": "Ada Lovelace", "currency": "USD", "principal": "50.00"}
    barrier = threading.Barrier(2, timeout=20)
    answers, errors = [], []

    def post():
        with app.app_context():
            client = app.test_client()
            try:
                barrier.wait()
                answers.append(client.post("/api/v1/accounts", json=body, headers=bearer(token)))
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
    assert sorted(a.json["outcome"] for a in answers) == ["created", "unchanged"], [a.json for a in answers]
    assert db.session.scalar(select(func.count(Account.id)).where(Account.reference == "RACE-1")) == 1
    created = db.session.scalar(select(Account).where(Account.reference == "RACE-1"))
    assert db.session.scalar(select(func.count(Event.id)).where(Event.account_id == created.id)) == 1
