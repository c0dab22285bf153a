"""Recording phone calls through the console under Regulation F §1006.14(b), and closing a
promise or call-back request with its outcome: what is recorded, what is refused and why."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import clock
from portal.console import calls as call_pages
from portal.extensions import db
from portal.models import OptOut, RequestKind, RequestStatus, SupportRequest
from tests.helpers.records import events

NEW_YORK = ZoneInfo("America/New_York")
#: Friday 15 January 2027, noon in New York: inside the person's hours.
FRIDAY_NOON = datetime(2027, 1, 15, 12, 0, tzinfo=NEW_YORK)


@pytest.fixture
def at(monkeypatch):
    """Move the portal's clock: `at(moment)`. Sign in first, as the second factor reads the clock."""

    def move(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


@pytest.fixture
def callable_account(make_account):
    """An account whose debtor has a phone number, on New York's clock."""

    def make(reference="ACC-1", creditor="acme", name="Acme Bank", **kwargs):
        account = make_account(reference, creditor, name, **kwargs)
        account.debtor.phone = "+12025550143"
        account.timezone = "America/New_York"
        db.session.commit()
        return account

    return make


def _post_call(client, account, outcome="no_answer", **extra):
    return client.post(f"/console/accounts/{account.id}/calls", data={"outcome": outcome, **extra})


def _calls(account):
    return events(account, "call_made")


def test_seven_calls_in_seven_days_are_recorded_and_the_eighth_refused_until_a_week_on(
    callable_account, make_staff, console_sign_in, at
):
    account = callable_account()
    agent = make_staff()
    client = console_sign_in(agent)
    for n in range(7):
        at(FRIDAY_NOON + timedelta(minutes=n))
        answer = _post_call(client, account, note=f"try {n}")
        assert answer.status_code == 302, answer.text
    recorded = _calls(account)
    assert len(recorded) == 7
    first = recorded[0]
    assert first.actor == f"staff:{agent.id}"
    assert first.data == {
        "at": "2027-01-15T17:00:00+00:00",
        "by": agent.email,
        "outcome": "no_answer",
        "conversation": False,
        "connected": True,
        "consented": False,
        "exception": False,
        "note": "try 0",
    }

    at(FRIDAY_NOON + timedelta(hours=2))
    page = client.get(f"/console/accounts/{account.id}/calls").text
    assert "7 of 7" in page and "7 calls were already placed in the last 7 days" in page
    refused = _post_call(client, account)
    assert refused.status_code == 409
    assert "No call may be placed now: 7 calls were already placed in the last 7 days." in refused.text
    # The calls fell on Friday the 15th, so the first free day is Friday the 22nd, from 08:00 there.
    assert (
        "The next call is allowed from Jan 22, 2027" in refused.text and "(America/New_York)" in refused.text
    )
    assert 'href="#may-call"' in refused.text
    assert len(_calls(account)) == 7

    at(datetime(2027, 1, 21, 20, 59, tzinfo=NEW_YORK))
    assert _post_call(client, account).status_code == 409
    at(datetime(2027, 1, 22, 8, 0, tzinfo=NEW_YORK))
    assert _post_call(client, account).status_code == 302
    assert len(_calls(account)) == 8


def test_a_conversation_bars_calls_for_seven_days_and_what_is_not_counted(
    callable_account, make_staff, console_sign_in, at
):
    account = callable_account()
    client = console_sign_in(make_staff())
    at(FRIDAY_NOON)
    assert _post_call(client, account, "not_connected").status_code == 302
    assert _post_call(client, account, "voicemail", consented="yes").status_code == 302
    page = client.get(f"/console/accounts/{account.id}/calls").text
    assert "0 of 7" in page, "a busy signal and a consented call are not counted"
    assert _post_call(client, account, "wrong_number").status_code == 302
    assert "1 of 7" in client.get(f"/console/accounts/{account.id}/calls").text

    assert _post_call(client, account, "talked", note="Agreed to look at the options.").status_code == 302
    talked = _calls(account)[-1]
    assert (talked.data["conversation"], talked.data["connected"]) == (True, True)
    at(FRIDAY_NOON + timedelta(hours=1))
    refused = _post_call(client, account)
    assert refused.status_code == 409
    assert "there was a conversation with the person in the last 7 days" in refused.text
    at(datetime(2027, 1, 21, 12, 0, tzinfo=NEW_YORK))
    assert _post_call(client, account).status_code == 409
    at(datetime(2027, 1, 22, 9, 0, tzinfo=NEW_YORK))
    assert _post_call(client, account).status_code == 302
    assert len(_calls(account)) == 5


def test_outside_the_persons_hours_no_call_is_recorded_even_with_consent(
    callable_account, make_staff, console_sign_in, at
):
    account = callable_account()
    client = console_sign_in(make_staff("boss@example.com", "supervisor"))
    at(datetime(2027, 1, 15, 21, 0, tzinfo=NEW_YORK))
    refused = _post_call(client, account, exception="yes", note="She asked us to ring after nine.")
    assert refused.status_code == 409
    assert "it is outside 08:00–21:00 on the person&#39;s clock" in refused.text
    assert "The next call is allowed from Jan 16, 2027" in refused.text
    assert _calls(account) == []


def test_only_a_supervisor_records_the_exception_with_a_note(
    callable_account, make_staff, console_sign_in, at
):
    account = callable_account()
    agent = console_sign_in(make_staff())
    boss = make_staff("boss@example.com", "supervisor")
    supervisor = console_sign_in(boss)
    at(FRIDAY_NOON)
    assert _post_call(agent, account, "talked").status_code == 302
    at(FRIDAY_NOON + timedelta(days=2))

    page = agent.get(f"/console/accounts/{account.id}/calls").text
    assert 'name="exception"' not in page
    refused = _post_call(agent, account, exception="yes", note="She said call me.")
    assert refused.status_code == 409 and len(_calls(account)) == 1

    page = supervisor.get(f"/console/accounts/{account.id}/calls").text
    assert 'name="exception"' in page and "the exception the rule allows" in page
    unticked = _post_call(supervisor, account)
    assert unticked.status_code == 409 and 'href="#exception"' in unticked.text
    no_note = _post_call(supervisor, account, exception="yes")
    assert no_note.status_code == 400 and "Write a note saying when and how" in no_note.text
    recorded = _post_call(supervisor, account, exception="yes", note="She rang and asked for a call today.")
    assert recorded.status_code == 302
    made = _calls(account)[-1]
    assert made.actor == f"staff:{boss.id}" and made.data["exception"] is True
    assert made.data["consented"] is True and made.data["note"] == "She rang and asked for a call today."


def test_the_contact_rules_and_a_pause_refuse_a_call(callable_account, make_staff, console_sign_in, at):
    account = callable_account()
    client = console_sign_in(make_staff())
    at(FRIDAY_NOON)
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="phone"))
    db.session.commit()
    refused = _post_call(client, account)
    assert refused.status_code == 409 and "the person asked us not to phone them" in refused.text
    assert "The next call is allowed" not in refused.text

    other = callable_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    other.on_hold = True
    db.session.commit()
    held = _post_call(client, other)
    assert held.status_code == 409 and "on hold while a dispute is reviewed" in held.text

    paused_account = callable_account("ACC-3", full_name="Pat Pause", email="pat@example.com")
    paused = client.post(
        f"/console/accounts/{paused_account.id}/pause", data={"days": "7", "reason": "Bereavement."}
    )
    assert paused.status_code == 302
    refused = _post_call(client, paused_account)
    assert refused.status_code == 409 and "contact is paused (to the end of January 22, 2027)" in refused.text
    at(datetime(2027, 1, 23, 9, 0, tzinfo=NEW_YORK))
    assert _post_call(client, paused_account).status_code == 302
    assert [len(_calls(a)) for a in (account, other, paused_account)] == [0, 0, 1]


def test_calls_are_scoped_to_the_persons_creditors(callable_account, make_staff, console_sign_in, at):
    ours = callable_account()
    theirs = callable_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    client = console_sign_in(make_staff(creditors=["acme"]))
    at(FRIDAY_NOON)
    assert client.get(f"/console/accounts/{ours.id}/calls").status_code == 200
    assert client.get(f"/console/accounts/{theirs.id}/calls").status_code == 404
    assert _post_call(client, theirs).status_code == 404
    assert _calls(theirs) == []
    page = client.get(f"/console/accounts/{ours.id}").text
    assert f"/console/accounts/{ours.id}/calls" in page and "Record a phone call" in page


def test_two_agents_recording_the_seventh_call_at_once_record_one(
    app, callable_account, make_staff, console_sign_in, at, monkeypatch
):
    account = callable_account()
    clients = [console_sign_in(make_staff()), console_sign_in(make_staff("second@example.com"))]
    at(FRIDAY_NOON)
    for _n in range(6):
        assert _post_call(clients[0], account).status_code == 302

    # Each request dwells between reading the calls and writing its own, so without the hold on the
    # account both would read six and both record a seventh.
    checked = call_pages.call_status

    def slow(*args, **kwargs):
        answer = checked(*args, **kwargs)
        time.sleep(0.5)
        return answer

    monkeypatch.setattr(call_pages, "call_status", slow)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def record(client) -> None:
        start.wait(timeout=30)
        statuses.append(_post_call(client, account).status_code)

    threads = [threading.Thread(target=record, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 409]
    assert len(_calls(account)) == 7


# --- Promises and call-back requests ------------------------------------------------------------


def _requests(account):
    promise = SupportRequest(
        account_id=account.id,
        kind=RequestKind.PROMISE,
        promise_date=clock.today() + timedelta(days=3),
        promise_amount=5000,
    )
    callback = SupportRequest(
        account_id=account.id, kind=RequestKind.HARDSHIP, phone="+12025550143", explanation="Lost my job."
    )
    db.session.add_all([promise, callback])
    db.session.commit()
    return promise, callback


def test_a_promise_and_a_call_back_are_closed_with_an_outcome_once(make_account, make_staff, console_sign_in):
    account = make_account()
    promise, callback = _requests(account)
    agent = make_staff()
    client = console_sign_in(agent)
    listing = client.get(f"/console/accounts/{account.id}/requests").text
    assert f"/requests/{promise.id}/close" in listing and f"/requests/{callback.id}/close" in listing

    page = client.get(f"/console/accounts/{account.id}/requests/{promise.id}/close").text
    assert "Paid as promised" in page and "Called back and talked" not in page
    wrong = client.post(
        f"/console/accounts/{account.id}/requests/{promise.id}/close", data={"outcome": "talked"}
    )
    assert wrong.status_code == 400 and "Choose how it ended" in wrong.text
    other = client.post(
        f"/console/accounts/{account.id}/requests/{promise.id}/close", data={"outcome": "other"}
    )
    assert other.status_code == 400 and "Write a note saying how it ended" in other.text
    closed = client.post(
        f"/console/accounts/{account.id}/requests/{promise.id}/close",
        data={"outcome": "paid", "note": "Cheque arrived."},
    )
    assert closed.status_code == 302
    db.session.refresh(promise)
    assert promise.status is RequestStatus.DONE

    again = client.post(
        f"/console/accounts/{account.id}/requests/{promise.id}/close", data={"outcome": "not_paid"}
    )
    assert again.status_code == 409 and "Nothing was changed: this request was closed already" in again.text

    page = client.get(f"/console/accounts/{account.id}/requests/{callback.id}/close").text
    assert "Called back and talked" in page and "Paid as promised" not in page
    assert (
        client.post(
            f"/console/accounts/{account.id}/requests/{callback.id}/close", data={"outcome": "unreachable"}
        ).status_code
        == 302
    )
    closes = events(account, "request_closed")
    assert [(e.data["request_id"], e.data["request_kind"], e.data["outcome"]) for e in closes] == [
        (promise.id, "promise", "paid"),
        (callback.id, "hardship", "unreachable"),
    ]
    assert closes[0].actor == f"staff:{agent.id}" and closes[0].data["note"] == "Cheque arrived."
    assert (
        "No promise or call-back request is open"
        in client.get(f"/console/accounts/{account.id}/requests").text
    )


def test_a_request_is_closed_only_through_its_own_account_and_creditor(
    make_account, make_staff, console_sign_in
):
    ours = make_account()
    sibling = make_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    (our_promise, _cb), (their_promise, _cb2) = _requests(ours), _requests(theirs)
    client = console_sign_in(make_staff(creditors=["acme"]))
    # Another account's request under an account the person may see is "not found" too.
    for path in (
        f"/console/accounts/{sibling.id}/requests/{our_promise.id}/close",
        f"/console/accounts/{ours.id}/requests/{their_promise.id}/close",
        f"/console/accounts/{theirs.id}/requests/{their_promise.id}/close",
        f"/console/accounts/{theirs.id}/requests",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"outcome": "paid"}).status_code in (404, 405), path
    db.session.expire_all()
    statuses = db.session.scalars(select(SupportRequest.status)).all()
    assert set(statuses) == {RequestStatus.OPEN}
    assert events(ours, "request_closed") == [] and events(theirs, "request_closed") == []
