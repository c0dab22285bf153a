"""The account timeline: what a payment leaves behind, and that it can never be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal import timeline
from portal.extensions import db
from portal.models import AppendOnlyError, Event
from tests.helpers.cards import DECLINED_ON_CHARGE, VISA_OK, confirm_card
from tests.helpers.records import event_kinds


def test_a_card_payment_leaves_its_events_in_order(make_account, sign_in, client, typed_card):
    account = make_account()
    sign_in(account)
    client.get("/account")
    assert client.post("/pay", data={"setup_intent": typed_card(VISA_OK)}).status_code == 303

    assert event_kinds(account) == [
        "link_issued",
        "link_opened",
        "identity_confirmed",
        "balance_viewed",
        "payment_page_viewed",
        "payment_started",
        "payment_succeeded",
        "account_paid",
        "receipt_sent",
    ]


def test_a_decline_then_a_payment_leaves_its_events_in_order(
    make_account, sign_in, client, typed_card, localstripe
):
    account = make_account()
    sign_in(account)
    declined = client.post("/pay", data={"setup_intent": typed_card(DECLINED_ON_CHARGE)})
    # The next card goes into the page that said the first was declined, as in the browser.
    client.post("/pay", data={"setup_intent": confirm_card(localstripe, declined.text, VISA_OK)})

    assert event_kinds(account)[3:] == [
        "payment_page_viewed",
        "payment_started",
        "payment_failed",
        "payment_started",
        "payment_succeeded",
        "account_paid",
        "receipt_sent",
    ]


def test_payment_events_carry_no_card_number(make_account, sign_in, client, typed_card):
    account = make_account()
    sign_in(account)
    client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})
    data = db.session.scalars(select(Event.data).where(Event.account_id == account.id)).all()
    assert VISA_OK not in repr(data)


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
