"""`flask --app wsgi verify-timeline` finds an event edited, removed, swapped or slipped in with SQL."""

from __future__ import annotations

import re

from sqlalchemy import insert, select, update

from portal.domain.timeline_chain import link_hash
from portal.extensions import db
from portal.models import Event
from portal.models.types import utcnow

EVENTS = Event.__table__


def verify(runner, *args):
    result = runner.invoke(args=["verify-timeline", *args])
    return result.exit_code, result.output


def test_an_untouched_timeline_is_intact_and_its_head_is_printed(runner, history):
    account, _ids = history()
    code, output = verify(runner, "ACC-1")
    assert code == 0, output
    head = db.session.scalar(select(Event.hash).where(Event.account_id == account.id, Event.seq == 5))
    assert f"acme/ACC-1: intact, 5 events, head {head}" in output
    assert "All 1 account timeline(s) intact (5 events checked)" in output


def test_an_event_whose_data_was_edited_is_found(runner, history, tamper):
    _account, ids = history()
    tamper((update(EVENTS).where(EVENTS.c.id == ids[2]).values(data={"n": 99}), {}))
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert "acme/ACC-1: BROKEN (1 problem(s) in 5 events)" in output
    assert f"event 3 (id {ids[2]}): edited: what it says no longer matches its hash" in output


def test_an_event_whose_time_was_moved_is_found(runner, history, tamper):
    _account, ids = history()
    tamper((update(EVENTS).where(EVENTS.c.id == ids[0]).values(created_at=utcnow()), {}))
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert f"event 1 (id {ids[0]}): edited" in output


def test_a_deleted_event_is_found(runner, history, tamper):
    _account, ids = history()
    tamper(("DELETE FROM events WHERE id = :id", {"id": ids[1]}))
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert f"event 2: removed: event 2 is missing (before event 3, id {ids[2]})" in output


def test_a_deleted_newest_event_is_found(runner, history, tamper):
    _account, ids = history()
    tamper(("DELETE FROM events WHERE id = :id", {"id": ids[4]}))
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert "event 5: removed: event 5 is missing at the end" in output


def test_two_swapped_events_are_found(runner, history, tamper):
    _account, ids = history()
    # Through a spare number: the unique (account, seq) index refuses two events at one place.
    swap = "UPDATE events SET seq = :seq WHERE id = :id"
    tamper(
        (swap, {"seq": 0, "id": ids[1]}), (swap, {"seq": 2, "id": ids[2]}), (swap, {"seq": 3, "id": ids[1]})
    )
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert f"event 2 (id {ids[2]}): reordered: it was written as event 3" in output
    assert f"event 3 (id {ids[1]}): reordered: it was written as event 2" in output


def test_an_event_slipped_in_with_a_correct_hash_is_found(runner, history, tamper):
    account, ids = history()
    last = db.session.get(Event, ids[4])
    at = utcnow()
    digest = link_hash(account.id, 6, "payment_succeeded", "stripe", {}, at, last.hash)
    row = dict(account_id=account.id, seq=6, kind="payment_succeeded", actor="stripe", data={}, created_at=at)
    tamper((insert(EVENTS).values(**row, prev_hash=last.hash, hash=digest), {}))
    code, output = verify(runner, "ACC-1")
    assert code == 1
    assert re.search(r"event 6 \(id \d+\): inserted: the account's timeline ends at event 5", output)


def test_every_account_is_checked_and_only_the_broken_ones_are_named(runner, history, tamper):
    history("ACC-1", "acme")
    _other, ids = history("ACC-2", "globex")
    tamper(("DELETE FROM events WHERE id = :id", {"id": ids[0]}))
    code, output = verify(runner)
    assert code == 1
    assert "globex/ACC-2: BROKEN" in output and "acme/ACC-1" not in output
    assert "1 of 2 account timeline(s) broken (9 events checked)" in output
    code, output = verify(runner, "--creditor", "acme")
    assert code == 0 and "All 1 account timeline(s) intact (5 events checked)" in output


def test_events_written_by_the_portal_itself_chain_intact(runner, make_account, sign_in, client):
    """Several events in one request's transaction, by several features, each follow the last."""
    account = make_account()
    sign_in(account)
    client.get("/account")
    client.get("/about-this-debt")
    code, output = verify(runner, "ACC-1")
    assert code == 0, output
    seqs = db.session.scalars(
        select(Event.seq).where(Event.account_id == account.id).order_by(Event.id)
    ).all()
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 5
