"""The account timeline: what a payment leaves behind, and that it can never be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal import timeline
from portal.extensions import db
from portal.models import AppendOnlyError, Event


@pytest.fixture
def event(make_account, issue_link):
    account = make_account()
    issue_link(account)
    entry = db.session.scalars(select(Event).where(Event.account_id == account.id)).one()
    return entry.id


def _unchanged(event_id: int) -> None:
    db.session.rollback()
    db.session.expire_all()
    row = db.session.execute(text("SELECT kind, actor FROM events WHERE id = :id"), {"id": event_id}).one()
    assert tuple(row) == ("link_issued", "collector")


def test_the_orm_refuses_to_update_an_event(event):
    entry = db.session.get(Event, event)
    entry.kind = "something_else"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    _unchanged(event)


def test_the_orm_refuses_to_delete_an_event(event):
    db.session.delete(db.session.get(Event, event))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    _unchanged(event)


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE events SET kind = 'something_else' WHERE id = :id"), {"id": event})
        db.session.commit()
    _unchanged(event)


def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM events WHERE id = :id"), {"id": event})
        db.session.commit()
    _unchanged(event)


def test_the_database_refuses_a_bulk_orm_update(event):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(db.update(Event).where(Event.id == event).values(actor="debtor"))
        db.session.commit()
    _unchanged(event)


def test_new_events_can_still_be_added(event):
    entry = db.session.get(Event, event)
    timeline.record(entry.account_id, "note_added", actor="collector")
    db.session.commit()
    kinds = db.session.scalars(select(Event.kind).where(Event.account_id == entry.account_id)).all()
    assert kinds == ["link_issued", "note_added"]
