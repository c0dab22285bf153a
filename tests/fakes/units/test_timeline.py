"""The account timeline: what a card payment leaves behind, paid on the fake gateway.

Moved from tests/payments/test_timeline.py, which keeps the tests that it can never be rewritten."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Event
from tests.helpers.cards import DECLINED_ON_CHARGE, VISA_OK, page_setup
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
        "message_queued",
        "receipt_sent",
    ]


def test_a_decline_then_a_payment_leaves_its_events_in_order(
    make_account, sign_in, client, typed_card, fake_gateway
):
    account = make_account()
    sign_in(account)
    declined = client.post("/pay", data={"setup_intent": typed_card(DECLINED_ON_CHARGE)})
    # The next card goes into the page that said the first was declined, as in the browser.
    client.post("/pay", data={"setup_intent": fake_gateway.type_card(page_setup(declined.text)[0], VISA_OK)})

    assert event_kinds(account)[3:] == [
        "payment_page_viewed",
        "payment_started",
        "payment_failed",
        "payment_started",
        "payment_succeeded",
        "account_paid",
        "message_queued",
        "receipt_sent",
    ]


def test_payment_events_carry_no_card_number(make_account, sign_in, client, typed_card):
    account = make_account()
    sign_in(account)
    client.post("/pay", data={"setup_intent": typed_card(VISA_OK)})
    data = db.session.scalars(select(Event.data).where(Event.account_id == account.id)).all()
    assert VISA_OK not in repr(data)
