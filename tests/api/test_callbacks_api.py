"""Promises to pay and call-back requests through the API: listed and read for the key's creditor
only, and closed with an outcome exactly as the console's closing page closes them (the same
status and timeline event, through the same function, the timeline naming the key); once, even
when two requests close one at the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from portal.api import keys
from portal.cant_pay import service as cant_pay
from portal.domain.policy import Policy
from portal.extensions import db
from portal.models import RequestStatus, SupportRequest
from tests.api.racing import ROUNDS, at_once, post, statuses
from tests.api.seeding import bearer
from tests.helpers.records import events

MORNING = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
TODAY = MORNING.date()


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MORNING)


def _key(account, scopes=None) -> tuple[str, dict]:
    key, token = keys.create(account.creditor, "collection system", scopes)
    db.session.commit()
    return key.prefix, bearer(token)


def _callback(account) -> SupportRequest:
    request = cant_pay.request_callback(
        account,
        Policy(hardship_pause_days=20),
        TODAY,
        phone="+12025550143",
        days=["friday", "monday"],
        times=["evening"],
        explanation="Lost my job.",
    )
    db.session.commit()
    return request


def _promise(account, amount=5000) -> SupportRequest:
    request = cant_pay.make_promise(account, TODAY + timedelta(days=3), amount)
    db.session.commit()
    return request


def _close(client, request, headers, **answer):
    return client.post(f"/api/v1/support-requests/{request.id}/close", json=answer, headers=headers)


def _reload(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def test_requests_are_listed_filtered_paged_and_read_for_the_keys_creditor_only(client, make_account):
    first = make_account("ACC-1")
    second = make_account("ACC-2", email="sam@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", email="roe@example.com")
    promise, callback, whole = _promise(first), _callback(second), _promise(second, None)
    other = _callback(theirs)
    cant_pay.close(whole, "paid", "", actor="collector")
    db.session.commit()
    _prefix, headers = _key(first)

    def ids(query: str = "") -> list[int]:
        return [r["id"] for r in client.get(f"/api/v1/support-requests{query}", headers=headers).json["data"]]

    assert ids() == [promise.id, callback.id, whole.id]
    assert ids("?kind=callback") == [callback.id] and ids("?kind=promise&status=open") == [promise.id]
    assert ids("?status=done") == [whole.id] and ids(f"?account_id={second.id}") == [callback.id, whole.id]
    assert ids(f"?account_id={theirs.id}") == []
    page_one = client.get("/api/v1/support-requests?limit=2", headers=headers).json
    page_two = client.get(
        f"/api/v1/support-requests?limit=2&cursor={page_one['next_cursor']}", headers=headers
    ).json
    assert [r["id"] for r in page_one["data"] + page_two["data"]] == [promise.id, callback.id, whole.id]
    assert page_two["next_cursor"] is None

    called = client.get(f"/api/v1/support-requests/{callback.id}", headers=headers).json
    assert (called["kind"], called["status"], called["phone"]) == ("callback", "open", "+12025550143")
    assert (called["call_days"], called["call_times"]) == (["monday", "friday"], ["evening"])
    assert called["explanation"] == "Lost my job." and called["promise_date"] is None
    assert called["reminders_paused_until"] == (TODAY + timedelta(days=20)).isoformat()
    promised = client.get(f"/api/v1/support-requests/{promise.id}", headers=headers).json
    assert (promised["kind"], promised["promise_date"], promised["promise_amount"]) == (
        "promise",
        (TODAY + timedelta(days=3)).isoformat(),
        "50.00",
    )
    assert (promised["phone"], promised["call_days"]) == (None, [])
    assert client.get(f"/api/v1/support-requests/{whole.id}", headers=headers).json["promise_amount"] is None
    for path in (f"/api/v1/support-requests/{other.id}", "/api/v1/support-requests/2147483647"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
        assert "+12025550143" not in answer.get_data(as_text=True)


def test_closing_a_call_back_records_its_outcome_as_the_console_does(client, make_account):
    callback = _callback(make_account())
    prefix, headers = _key(callback.account)

    answer = _close(client, callback, headers, outcome="talked", note="  Agreed to call again in May.  ")

    assert answer.status_code == 200, answer.json
    assert (answer.json["id"], answer.json["status"]) == (callback.id, "done")
    assert _reload(callback).status is RequestStatus.DONE
    (closed,) = events(callback.account, "request_closed")
    # The console writes the same event through the same function (tests/console/test_calls.py),
    # with the person's address as "by"; a key has none.
    assert closed.actor == f"api:{prefix}"
    assert closed.data == {
        "request_id": callback.id,
        "request_kind": "hardship",
        "outcome": "talked",
        "note": "Agreed to call again in May.",
    }


def test_a_promise_closes_with_a_promises_outcome_and_other_needs_a_note(client, make_account, table_rows):
    promise = _promise(make_account())
    _prefix, headers = _key(promise.account)
    before = table_rows()

    wrong = _close(client, promise, headers, outcome="talked")
    unknown = _close(client, promise, headers, outcome="vanished")
    silent = _close(client, promise, headers, outcome="other", note="   ")

    assert (wrong.status_code, wrong.json["error"]["field"]) == (422, "outcome")
    assert "paid, not_paid, other" in wrong.json["error"]["message"]
    assert (unknown.status_code, unknown.json["error"]["field"]) == (422, "outcome")
    assert (silent.status_code, silent.json["error"]["field"]) == (422, "note")
    assert table_rows() == before

    answer = _close(client, promise, headers, outcome="other", note="Paid half, by cheque.")
    assert answer.status_code == 200
    (closed,) = events(promise.account, "request_closed")
    assert (closed.data["request_kind"], closed.data["outcome"]) == ("promise", "other")


def test_a_request_is_closed_once(client, make_account):
    callback = _callback(make_account())
    _prefix, headers = _key(callback.account)
    assert _close(client, callback, headers, outcome="unreachable").status_code == 200

    again = _close(client, callback, headers, outcome="talked")

    assert again.status_code == 409 and again.json["error"]["code"] == "already_closed"
    assert [e.data["outcome"] for e in events(callback.account, "request_closed")] == ["unreachable"]


def test_another_creditors_request_cannot_be_closed(client, make_account, table_rows):
    ours = make_account()
    theirs = _callback(make_account("B-1", "beta", "Beta Loans", email="roe@example.com"))
    _prefix, headers = _key(ours)
    before = table_rows()

    answer = _close(client, theirs, headers, outcome="talked")

    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert table_rows() == before


def test_reading_and_closing_need_the_requests_scopes(client, make_account):
    callback = _callback(make_account())
    _p, reader = _key(callback.account, ["requests:read"])
    _p, stranger = _key(callback.account, ["accounts:read", "accounts:write"])

    assert client.get("/api/v1/support-requests", headers=reader).status_code == 200
    for answer in (
        client.get("/api/v1/support-requests", headers=stranger),
        client.get(f"/api/v1/support-requests/{callback.id}", headers=stranger),
        _close(client, callback, reader, outcome="talked"),
    ):
        assert answer.status_code == 403 and answer.json["error"]["code"] == "insufficient_scope"
    assert _reload(callback).status is RequestStatus.OPEN


def test_two_requests_closing_one_call_back_at_once_close_it_once(app, make_account):
    """Two outcomes sent at the same moment: exactly one is recorded (the other waits on the
    request's row, then finds it closed: 409)."""
    for round_number in range(ROUNDS):
        callback = _callback(make_account(f"R-{round_number}", email=f"r{round_number}@example.com"))
        prefix, headers = _key(callback.account)
        path = f"/api/v1/support-requests/{callback.id}/close"

        answers = at_once(
            app,
            [post(path, {"outcome": "talked"}, headers), post(path, {"outcome": "unreachable"}, headers)],
        )

        assert statuses(answers) == [200, 409], answers
        assert next(a for a in answers if a.status_code == 409).json["error"]["code"] == "already_closed"
        winner = "talked" if answers[0].status_code == 200 else "unreachable"
        closes = events(callback.account, "request_closed")
        assert [(e.data["outcome"], e.actor) for e in closes] == [(winner, f"api:{prefix}")]
        assert _reload(callback).status is RequestStatus.DONE
