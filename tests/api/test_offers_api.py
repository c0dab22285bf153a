"""The debtor's own offers through the API: listed and read for the key's creditor only, and
decided exactly as `decide-offer` decides them (the same status, timeline events and outbox email,
the timeline naming the key); a counter-offer meets the offer rules; an offer is decided once,
even when two requests decide it at the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from portal.api import keys
from portal.domain.schedules import Frequency
from portal.extensions import db
from portal.models import Message, Offer, OfferStatus
from portal.notify import offer_emails, outbox
from portal.offers import service as offers
from tests.api.racing import ROUNDS, at_once, post, statuses
from tests.api.seeding import bearer
from tests.helpers.mail import body
from tests.helpers.records import count, events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York: the email goes at once
TODAY = MORNING.date()
FIGURES = {
    "currency": "USD",
    "income": 180000,
    "outgoings": {"housing": 150000, "food": 45000},
    "left": -15000,
}


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MORNING)


def _key(account, scopes=None) -> tuple[str, dict]:
    key, token = keys.create(account.creditor, "collection system", scopes)
    db.session.commit()
    return key.prefix, bearer(token)


def _offer(account, amount=4000, note="I lost my job in May.", affordability=None) -> Offer:
    terms = offers.Terms(amount, Frequency.MONTHLY, TODAY + timedelta(days=10))
    offer = offers.make_offer(account, terms, note, affordability)
    db.session.commit()
    return offer


def _decide(client, offer, headers, **decision):
    return client.post(f"/api/v1/offers/{offer.id}/decision", json=decision, headers=headers)


def _reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def _message(offer) -> Message | None:
    db.session.expire_all()
    return outbox.find(offer_emails.decision_key(offer.id))


def test_offers_are_listed_filtered_paged_and_read_for_the_keys_creditor_only(client, make_account):
    first = make_account("ACC-1")
    second = make_account("ACC-2", email="sam@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", email="roe@example.com")
    shared, plain, other = _offer(first, affordability=FIGURES), _offer(second, 2550), _offer(theirs)
    offers.decline(shared, "Too little.")
    db.session.commit()
    _prefix, headers = _key(first)

    listed = client.get("/api/v1/offers", headers=headers).json
    assert [o["id"] for o in listed["data"]] == [shared.id, plain.id] and listed["next_cursor"] is None
    pending = client.get("/api/v1/offers?status=pending", headers=headers).json["data"]
    assert [(o["id"], o["amount"], o["frequency"]) for o in pending] == [(plain.id, "25.50", "monthly")]
    by_account = client.get(f"/api/v1/offers?account_id={second.id}", headers=headers).json["data"]
    assert [o["id"] for o in by_account] == [plain.id]
    assert client.get(f"/api/v1/offers?account_id={theirs.id}", headers=headers).json["data"] == []
    page_one = client.get("/api/v1/offers?limit=1", headers=headers).json
    page_two = client.get(f"/api/v1/offers?limit=1&cursor={page_one['next_cursor']}", headers=headers).json
    assert [o["id"] for o in page_one["data"] + page_two["data"]] == [shared.id, plain.id]

    read = client.get(f"/api/v1/offers/{shared.id}", headers=headers).json
    assert (read["amount"], read["currency"], read["start_date"]) == ("40.00", "USD", "2027-01-25")
    assert (read["status"], read["decision_note"], read["counter"]) == ("declined", "Too little.", None)
    assert (
        read["note"] == "I lost my job in May."
        and read["reply_by"] == offers.reply_by(shared.created_at.date()).isoformat()
    )
    assert read["affordability"] == {
        "currency": "USD",
        "income": "1800.00",
        "outgoings": {"housing": "1500.00", "food": "450.00"},
        "left": "-150.00",
    }
    assert client.get(f"/api/v1/offers/{plain.id}", headers=headers).json["affordability"] is None
    for path in (f"/api/v1/offers/{other.id}", "/api/v1/offers/2147483647"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_accepting_through_the_api_does_what_decide_offer_does(client, runner, make_account, mailbox):
    by_command = _offer(make_account("CMD-1", email="cmd@example.com"))
    by_api = _offer(make_account("API-1", email="api@example.com"))
    prefix, headers = _key(by_api.account)

    assert runner.invoke(args=["decide-offer", str(by_command.id), "--accept"]).exit_code == 0
    answer = _decide(client, by_api, headers, decision="accept")

    assert answer.status_code == 200, answer.json
    by_command, by_api = _reload(by_command), _reload(by_api)
    assert by_command.status is by_api.status is OfferStatus.ACCEPTED and by_api.decided_at is not None
    kinds = [[e.kind for e in events(o.account)] for o in (by_command, by_api)]
    assert kinds[0] == kinds[1] and "offer_accepted" in kinds[1]
    (decided,) = events(by_api.account, "offer_accepted")
    assert decided.actor == f"api:{prefix}" and decided.data == {"offer_id": by_api.id}
    mine, theirs = _message(by_api), _message(by_command)
    assert (mine.kind, mine.subject, mine.status) == ("offer_decision", theirs.subject, theirs.status)
    assert answer.json["status"] == "accepted" and answer.json["decision_message_id"] == mine.id
    sent = {mail["To"]: mail for mail in mailbox.wait_for(2)}
    assert set(sent) == {"cmd@example.com", "api@example.com"}
    assert sent["api@example.com"]["Subject"] == "We have accepted your offer"
    assert "We have accepted it" in body(sent["api@example.com"], "plain")


def test_a_decline_needs_a_reason_and_the_debtor_reads_it(client, make_account, mailbox):
    offer = _offer(make_account())
    prefix, headers = _key(offer.account)

    without = _decide(client, offer, headers, decision="decline", reason="  ")
    assert without.status_code == 422 and without.json["error"]["field"] == "reason"
    assert _reload(offer).status is OfferStatus.PENDING and mailbox.arrived() == []

    answer = _decide(client, offer, headers, decision="decline", reason="Your offer would take too long.")

    assert answer.status_code == 200 and answer.json["status"] == "declined"
    assert answer.json["decision_note"] == "Your offer would take too long."
    (declined,) = events(offer.account, "offer_declined")
    assert declined.actor == f"api:{prefix}"
    (mail,) = mailbox.wait_for(1)
    assert "Why: Your offer would take too long." in body(mail, "plain")


def test_a_counter_offer_is_recorded_on_its_terms_and_emailed(client, make_account, mailbox):
    offer = _offer(make_account())
    _prefix, headers = _key(offer.account)
    start = TODAY + timedelta(days=7)

    answer = _decide(
        client,
        offer,
        headers,
        decision="counter",
        amount="100.00",
        frequency="every_two_weeks",
        start_date=start.isoformat(),
        reason="We can do this.",
    )

    assert answer.status_code == 200, answer.json
    assert answer.json["counter"] == {
        "amount": "100.00",
        "frequency": "every_two_weeks",
        "start_date": start.isoformat(),
    }
    offer = _reload(offer)
    assert (offer.status, offer.counter_amount, offer.counter_frequency, offer.counter_start_date) == (
        OfferStatus.COUNTERED,
        10000,
        "every_two_weeks",
        start,
    )
    (countered,) = events(offer.account, "offer_countered")
    assert countered.data == {
        "offer_id": offer.id,
        "amount": 10000,
        "frequency": "every_two_weeks",
        "start_date": start.isoformat(),
    }
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "We have looked at your offer" and "Why: We can do this." in body(mail, "plain")


@pytest.mark.parametrize(
    ("decision", "status", "code", "field"),
    [
        (
            {"decision": "counter", "frequency": "monthly", "start_date": "2027-02-01"},
            422,
            "invalid",
            "amount",
        ),
        ({"decision": "counter", "amount": "40.00", "start_date": "2027-02-01"}, 422, "invalid", "frequency"),
        ({"decision": "counter", "amount": "40.00", "frequency": "monthly"}, 422, "invalid", "start_date"),
        ({"decision": "accept", "amount": "40.00"}, 422, "invalid", "amount"),
        ({"decision": "maybe"}, 422, "invalid", "decision"),
        (
            {"decision": "counter", "amount": "4O.00", "frequency": "monthly", "start_date": "2027-02-01"},
            422,
            "invalid",
            "amount",
        ),
        (
            {"decision": "counter", "amount": "0.00", "frequency": "monthly", "start_date": "2027-02-01"},
            422,
            "amount_not_positive",
            "amount",
        ),
        (
            {"decision": "counter", "amount": "1060.25", "frequency": "monthly", "start_date": "2027-02-01"},
            422,
            "whole_balance",
            "amount",
        ),
        (
            {"decision": "counter", "amount": "40.00", "frequency": "monthly", "start_date": "2027-01-14"},
            422,
            "start_in_past",
            "start_date",
        ),
        (
            {"decision": "counter", "amount": "40.00", "frequency": "monthly", "start_date": "2028-02-01"},
            422,
            "start_too_late",
            "start_date",
        ),
    ],
    ids=[
        "no-amount",
        "no-frequency",
        "no-start",
        "terms-with-accept",
        "unknown-decision",
        "unreadable-amount",
        "zero",
        "whole-balance",
        "start-in-past",
        "start-too-late",
    ],
)
def test_a_decision_the_rules_refuse_says_which_field_and_changes_nothing(
    client, make_account, table_rows, decision, status, code, field
):
    offer = _offer(make_account())
    _prefix, headers = _key(offer.account)
    before = table_rows()

    refused = _decide(client, offer, headers, **decision)

    assert refused.status_code == status, refused.json
    assert (refused.json["error"]["code"], refused.json["error"]["field"]) == (code, field)
    assert table_rows() == before


def test_an_offer_is_decided_once(client, make_account, mailbox):
    offer = _offer(make_account())
    _prefix, headers = _key(offer.account)
    assert _decide(client, offer, headers, decision="accept").status_code == 200

    again = _decide(client, offer, headers, decision="decline", reason="Changed our mind.")

    assert again.status_code == 409 and again.json["error"]["code"] == "already_decided"
    assert again.json["error"]["message"] == f"Offer {offer.id} was already accepted; nothing was changed."
    assert _reload(offer).status is OfferStatus.ACCEPTED and events(offer.account, "offer_declined") == []
    assert count(Message, Message.kind == "offer_decision") == 1 and len(mailbox.wait_for(1)) == 1


def test_another_creditors_offer_cannot_be_decided(client, make_account, table_rows):
    ours = make_account()
    theirs = _offer(make_account("B-1", "beta", "Beta Loans", email="roe@example.com"))
    _prefix, headers = _key(ours)
    before = table_rows()

    answer = _decide(client, theirs, headers, decision="accept")

    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert table_rows() == before


def test_reading_and_deciding_need_the_requests_scopes(client, make_account):
    offer = _offer(make_account())
    _p, reader = _key(offer.account, ["requests:read"])
    _p, stranger = _key(offer.account, ["policies:read"])

    assert client.get(f"/api/v1/offers/{offer.id}", headers=reader).status_code == 200
    for answer in (
        client.get("/api/v1/offers", headers=stranger),
        client.get(f"/api/v1/offers/{offer.id}", headers=stranger),
        _decide(client, offer, reader, decision="accept"),
    ):
        assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
    assert _reload(offer).status is OfferStatus.PENDING


def test_two_requests_deciding_one_offer_at_once_decide_it_once(app, make_account):
    """Accept and decline sent at the same moment: exactly one lands (the other waits on the
    offer's row, then finds it decided: 409), with one event and one email."""
    for round_number in range(ROUNDS):
        offer = _offer(make_account(f"R-{round_number}", email=f"r{round_number}@example.com"))
        prefix, headers = _key(offer.account)
        path = f"/api/v1/offers/{offer.id}/decision"

        answers = at_once(
            app,
            [
                post(path, {"decision": "accept"}, headers),
                post(path, {"decision": "decline", "reason": "Too long."}, headers),
            ],
        )

        assert statuses(answers) == [200, 409], answers
        assert next(a for a in answers if a.status_code == 409).json["error"]["code"] == "already_decided"
        winner = OfferStatus.ACCEPTED if answers[0].status_code == 200 else OfferStatus.DECLINED
        offer = _reload(offer)
        assert offer.status is winner
        decided = [e for e in events(offer.account) if e.kind in ("offer_accepted", "offer_declined")]
        assert [(e.kind, e.actor) for e in decided] == [(f"offer_{winner.value}", f"api:{prefix}")]
        assert count(Message, Message.account_id == offer.account_id, Message.kind == "offer_decision") == 1
