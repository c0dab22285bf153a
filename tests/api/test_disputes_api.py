"""Disputes through the API: listed and read for the key's creditor only, and resolved exactly as
`resolve-dispute` resolves them (the same rows, timeline events and outbox email, the timeline
naming the key), once, even when two requests decide at the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from portal.api import keys
from portal.disputes import service as disputes
from portal.extensions import db
from portal.models import AccountStatus, Dispute, DisputeReason, DisputeStatus, Event, Message, PlanStatus
from portal.models.types import utcnow
from portal.notify import disputes as dispute_emails
from portal.notify import outbox
from tests.api.racing import ROUNDS, at_once, post, statuses
from tests.api.seeding import bearer
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows
from tests.helpers.records import count, events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York: the email goes at once
NOTE = "The creditor sent the signed agreement and the statements for 2024."


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MORNING)


def _key(account, scopes=None) -> tuple[str, dict]:
    key, token = keys.create(account.creditor, "collection system", scopes)
    db.session.commit()
    return key.prefix, bearer(token)


def _dispute(account, reason=DisputeReason.NOT_MINE) -> Dispute:
    dispute = disputes.open_dispute(account, reason, "I never had this loan.")
    db.session.commit()
    return dispute


def _decide(client, dispute, headers, **answer):
    return client.post(f"/api/v1/disputes/{dispute.id}/decision", json=answer, headers=headers)


def _reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def _outcome(dispute) -> Message | None:
    db.session.expire_all()
    return outbox.find(dispute_emails.outcome_key(dispute))


def test_disputes_are_listed_filtered_paged_and_read_for_the_keys_creditor_only(client, make_account):
    first = make_account("ACC-1")
    second = make_account("ACC-2", email="sam@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", email="roe@example.com")
    old, new, other = _dispute(first), _dispute(second, DisputeReason.WRONG_AMOUNT), _dispute(theirs)
    disputes.resolve(old, DisputeStatus.REJECTED, NOTE)
    db.session.commit()
    _prefix, headers = _key(first)

    listed = client.get("/api/v1/disputes", headers=headers).json
    assert [d["id"] for d in listed["data"]] == [old.id, new.id] and listed["next_cursor"] is None
    assert other.reference not in str(listed)
    waiting = client.get("/api/v1/disputes?status=open", headers=headers).json["data"]
    assert [(d["id"], d["reason"], d["status"]) for d in waiting] == [(new.id, "wrong_amount", "open")]
    assert [
        d["id"] for d in client.get(f"/api/v1/disputes?account_id={first.id}", headers=headers).json["data"]
    ] == [old.id]
    assert client.get(f"/api/v1/disputes?account_id={theirs.id}", headers=headers).json["data"] == []
    page_one = client.get("/api/v1/disputes?limit=1", headers=headers).json
    page_two = client.get(f"/api/v1/disputes?limit=1&cursor={page_one['next_cursor']}", headers=headers).json
    assert [d["id"] for d in page_one["data"] + page_two["data"]] == [old.id, new.id]
    assert page_two["next_cursor"] is None

    read = client.get(f"/api/v1/disputes/{old.id}", headers=headers).json
    assert read["reference"] == old.reference and read["account_id"] == first.id
    assert (read["status"], read["resolution_note"], read["has_evidence"]) == ("rejected", NOTE, False)
    assert read["details"] == "I never had this loan." and read["resolved_at"] is not None
    assert read["outcome_message_id"] is None  # resolved by the service alone: no email was queued
    for path in (f"/api/v1/disputes/{other.id}", "/api/v1/disputes/2147483647"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
        assert other.reference not in answer.get_data(as_text=True)


def test_rejecting_through_the_api_does_what_resolve_dispute_does(client, runner, make_account, mailbox):
    by_command = _dispute(make_account("CMD-1", email="cmd@example.com"))
    by_api = _dispute(make_account("API-1", email="api@example.com"))
    prefix, headers = _key(by_api.account)

    assert (
        runner.invoke(args=["resolve-dispute", by_command.reference, "--rejected", "--note", NOTE]).exit_code
        == 0
    )
    answer = _decide(client, by_api, headers, outcome="rejected", note=f"  {NOTE}  ")

    assert answer.status_code == 200, answer.json
    by_command, by_api = _reload(by_command), _reload(by_api)
    for dispute in (by_command, by_api):
        assert dispute.status is DisputeStatus.REJECTED and dispute.resolution_note == NOTE
        assert dispute.account.on_hold is False and dispute.account.status is AccountStatus.OPEN
    kinds = [[e.kind for e in events(d.account)] for d in (by_command, by_api)]
    assert kinds[0] == kinds[1] and "dispute_rejected" in kinds[1]
    (decided,) = events(by_api.account, "dispute_rejected")
    assert decided.actor == f"api:{prefix}" and decided.data["note"] == NOTE
    mine, theirs = _outcome(by_api), _outcome(by_command)
    assert (mine.kind, mine.channel) == (theirs.kind, theirs.channel) == ("dispute_outcome", "email")
    assert mine.subject == theirs.subject.replace(by_command.reference, by_api.reference)
    assert answer.json["status"] == "rejected" and answer.json["outcome_message_id"] == mine.id
    assert answer.json["resolution_note"] == NOTE
    sent = {mail["To"]: mail for mail in mailbox.wait_for(2)}
    assert set(sent) == {"cmd@example.com", "api@example.com"}
    assert sent["api@example.com"]["Subject"] == mine.subject and NOTE in body(
        sent["api@example.com"], "plain"
    )
    assert client.get(f"/api/v1/disputes/{by_api.id}", headers=headers).json["outcome_message_id"] == mine.id


def test_upholding_closes_the_account_and_cancels_its_plan_and_a_second_decision_is_refused(
    client, make_account, mailbox
):
    account = make_account()
    plan = plan_rows(account, [(utcnow().date() + timedelta(days=5), 5000)])
    dispute = _dispute(account)
    _prefix, headers = _key(account)

    answer = _decide(client, dispute, headers, outcome="upheld", note="Identity theft, confirmed.")

    assert answer.status_code == 200 and answer.json["status"] == "upheld"
    dispute = _reload(dispute)
    assert dispute.status is DisputeStatus.UPHELD and dispute.account.status is AccountStatus.CLOSED
    assert dispute.account.on_hold is False and _reload(plan).status is PlanStatus.CANCELLED
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == f"You do not owe this debt: dispute {dispute.reference}"

    again = _decide(client, dispute, headers, outcome="rejected", note="Changed our mind.")

    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_decided"
    assert (
        again.json["error"]["message"]
        == f"Dispute {dispute.reference} was already upheld; nothing was changed."
    )
    assert _reload(dispute).status is DisputeStatus.UPHELD
    assert [e.kind for e in events(account)].count("dispute_upheld") == 1 and events(
        account, "dispute_rejected"
    ) == []
    assert count(Message, Message.kind == "dispute_outcome") == 1 and len(mailbox.arrived()) == 1


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"note": NOTE}, "outcome"),
        ({"outcome": "dismissed", "note": NOTE}, "outcome"),
        ({"outcome": "rejected"}, "note"),
        ({"outcome": "rejected", "note": "   "}, "note"),
        ({"outcome": "rejected", "note": "x" * 2001}, "note"),
    ],
    ids=["no-outcome", "unknown-outcome", "no-note", "blank-note", "long-note"],
)
def test_a_decision_without_its_answers_is_a_422_naming_the_field_and_changes_nothing(
    client, make_account, table_rows, answer, field
):
    dispute = _dispute(make_account())
    _prefix, headers = _key(dispute.account)
    before = table_rows()

    refused = _decide(client, dispute, headers, **answer)

    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "invalid" and refused.json["error"]["field"] == field
    assert table_rows() == before


def test_another_creditors_dispute_cannot_be_decided(client, make_account, table_rows):
    ours = make_account()
    theirs = _dispute(make_account("B-1", "beta", "Beta Loans", email="roe@example.com"))
    _prefix, headers = _key(ours)
    before = table_rows()

    answer = _decide(client, theirs, headers, outcome="upheld", note=NOTE)

    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert table_rows() == before and _reload(theirs).status is DisputeStatus.OPEN


def test_reading_and_deciding_need_the_requests_scopes(client, make_account):
    dispute = _dispute(make_account())
    _p, reader = _key(dispute.account, ["requests:read"])
    _p, stranger = _key(dispute.account, ["accounts:read"])

    assert client.get("/api/v1/disputes", headers=reader).status_code == 200
    for answer in (
        client.get("/api/v1/disputes", headers=stranger),
        client.get(f"/api/v1/disputes/{dispute.id}", headers=stranger),
        _decide(client, dispute, reader, outcome="upheld", note=NOTE),
    ):
        assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
    assert _reload(dispute).status is DisputeStatus.OPEN


def test_a_decision_sent_again_with_its_idempotency_key_is_replayed_not_repeated(
    client, make_account, mailbox
):
    dispute = _dispute(make_account())
    _prefix, headers = _key(dispute.account)
    headers = {**headers, "Idempotency-Key": "decide-1"}

    first = _decide(client, dispute, headers, outcome="rejected", note=NOTE)
    again = _decide(client, dispute, headers, outcome="rejected", note=NOTE)

    assert first.status_code == again.status_code == 200
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(events(dispute.account, "dispute_rejected")) == 1
    assert count(Message, Message.kind == "dispute_outcome") == 1


def test_two_requests_deciding_one_dispute_at_once_decide_it_once(app, make_account):
    """Upheld and rejected sent at the same moment: exactly one lands (the other waits on the
    dispute's row, then finds it resolved: 409), with one event and one email."""
    for round_number in range(ROUNDS):
        dispute = _dispute(make_account(f"R-{round_number}", email=f"r{round_number}@example.com"))
        prefix, headers = _key(dispute.account)
        path = f"/api/v1/disputes/{dispute.id}/decision"

        answers = at_once(
            app,
            [
                post(path, {"outcome": "upheld", "note": "Not theirs."}, headers),
                post(path, {"outcome": "rejected", "note": NOTE}, headers),
            ],
        )

        assert statuses(answers) == [200, 409], answers
        loser = next(a for a in answers if a.status_code == 409)
        assert loser.json["error"]["code"] == "already_decided"
        winner = DisputeStatus.UPHELD if answers[0].status_code == 200 else DisputeStatus.REJECTED
        dispute = _reload(dispute)
        assert dispute.status is winner
        decided = [e for e in events(dispute.account) if e.kind in ("dispute_upheld", "dispute_rejected")]
        assert [(e.kind, e.actor) for e in decided] == [(f"dispute_{winner.value}", f"api:{prefix}")]
        assert (
            count(Message, Message.account_id == dispute.account_id, Message.kind == "dispute_outcome") == 1
        )
        assert count(Event, Event.account_id == dispute.account_id, Event.actor.like("api:%")) == 1
