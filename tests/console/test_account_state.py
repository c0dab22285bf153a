"""Pausing contact, closing an account and cancelling a plan from the console: each needs a
reason and lands on the timeline with who did it; supervisors only where the brief says so; and
two supervisors acting at once act once."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts import ledger
from portal.extensions import db
from portal.models import AccountStatus, InstalmentStatus, Message, PlanStatus
from portal.plans import reminders
from tests.helpers.mail import body
from tests.helpers.plans import plan_rows
from tests.helpers.records import count, events

NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_NOON = datetime(2027, 1, 15, 12, 0, tzinfo=NEW_YORK)
FRIDAY = date(2027, 1, 15)


@pytest.fixture
def at(monkeypatch):
    """Move the portal's clock (after signing in: the second factor reads it)."""

    def move(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


def _plan(account, first: date = FRIDAY + timedelta(days=2)):
    return plan_rows(account, [(first, 3000), (first + timedelta(days=30), 3000)])


# --- Pause -------------------------------------------------------------------------------------


def test_a_pause_stops_the_plan_reminders_and_keeps_a_longer_pause(
    make_account, make_staff, console_sign_in, at, mailbox
):
    paused = make_account()
    other = make_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    _plan(paused), _plan(other)
    agent = make_staff()
    client = console_sign_in(agent)
    at(FRIDAY_NOON)

    assert client.get(f"/console/accounts/{paused.id}/pause").status_code == 200
    missing = client.post(f"/console/accounts/{paused.id}/pause", data={"days": "7"})
    assert missing.status_code == 400 and "Write the reason" in missing.text
    bad = client.post(f"/console/accounts/{paused.id}/pause", data={"days": "5", "reason": "x"})
    assert bad.status_code == 400 and "Choose how long to pause contact" in bad.text
    done = client.post(f"/console/accounts/{paused.id}/pause", data={"days": "14", "reason": "In hospital."})
    assert done.status_code == 302
    db.session.refresh(paused)
    assert paused.reminders_paused_until == FRIDAY + timedelta(days=14)
    (event,) = events(paused, "account_paused")
    assert event.actor == f"staff:{agent.id}"
    assert event.data == {
        "by": agent.email,
        "days": 14,
        "until": "2027-01-29",
        "reminders_paused_until": "2027-01-29",
        "note": "In hospital.",
    }

    # The account page says what the rules now answer for email and texts, and the pause page
    # says what waits.
    assert (
        "contact is paused; it would wait until the day after the pause"
        in client.get(f"/console/accounts/{paused.id}").text
    )
    pause_page = client.get(f"/console/accounts/{paused.id}/pause").text
    assert "Emails and text messages we start wait until after January 29, 2027." in pause_page
    assert "no email or text message that we start goes out" in pause_page

    # The unpaused account's payment on Sunday is reminded; the paused one's is not.
    assert reminders.send_reminders(FRIDAY_NOON) == 1
    db.session.expire_all()
    reminded = db.session.scalars(select(Message.account_id).where(Message.kind == "reminder")).all()
    assert reminded == [other.id]

    # A shorter pause afterwards keeps the longer one, for the reminders and for the calls.
    shorter = client.post(f"/console/accounts/{paused.id}/pause", data={"days": "7", "reason": "Shorter."})
    assert shorter.status_code == 302
    db.session.refresh(paused)
    assert paused.reminders_paused_until == date(2027, 1, 29)
    assert events(paused, "account_paused")[-1].data["until"] == "2027-01-29"
    assert (
        "Contact is paused to the end of January 29, 2027."
        in client.get(f"/console/accounts/{paused.id}/pause").text
    )


def test_pausing_is_scoped_and_refused_on_a_closed_account(make_account, make_staff, console_sign_in):
    ours = make_account()
    theirs = make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    client = console_sign_in(make_staff(creditors=["acme"]))
    assert client.get(f"/console/accounts/{theirs.id}/pause").status_code == 404
    assert (
        client.post(f"/console/accounts/{theirs.id}/pause", data={"days": "7", "reason": "x"}).status_code
        == 404
    )
    ours.status = AccountStatus.CLOSED
    db.session.commit()
    refused = client.post(f"/console/accounts/{ours.id}/pause", data={"days": "7", "reason": "x"})
    assert refused.status_code == 409 and "Nothing was changed: the account is closed." in refused.text
    assert events(ours, "account_paused") == [] and events(theirs, "account_paused") == []
    db.session.refresh(ours)
    assert ours.reminders_paused_until is None


# --- Close the account -------------------------------------------------------------------------


def test_a_supervisor_closes_the_account_and_its_plan_with_a_reason(
    make_account, make_staff, console_sign_in, at, mailbox
):
    account = make_account()
    plan = _plan(account, date.today() + timedelta(days=5))
    agent = console_sign_in(make_staff())
    assert agent.get(f"/console/accounts/{account.id}/close").status_code == 403
    assert agent.post(f"/console/accounts/{account.id}/close", data={"reason": "x"}).status_code == 403
    assert "Close the account" not in agent.get(f"/console/accounts/{account.id}").text

    boss = make_staff("boss@example.com", "supervisor")
    client = console_sign_in(boss)
    at(FRIDAY_NOON)
    assert "Close the account" in client.get(f"/console/accounts/{account.id}").text
    page = client.get(f"/console/accounts/{account.id}/close").text
    assert f"Its active plan {plan.id} is cancelled with it" in page
    assert "The person is emailed in their language that the account is closed" in page
    missing = client.post(f"/console/accounts/{account.id}/close", data={"reason": " "})
    assert missing.status_code == 400 and "Write the reason" in missing.text
    assert count(Message) == 0
    closed = client.post(f"/console/accounts/{account.id}/close", data={"reason": "Debtor deceased."})
    assert closed.status_code == 302
    db.session.refresh(account), db.session.refresh(plan)
    assert account.status is AccountStatus.CLOSED
    assert plan.status is PlanStatus.CANCELLED and plan.active_account_id is None
    assert {i.status for i in plan.instalments} == {InstalmentStatus.CANCELLED}
    (message,) = db.session.scalars(select(Message)).all()
    assert message.kind == "account_closed_notice" and message.debtor_initiated is False
    (closing,) = events(account, "account_closed")
    assert closing.actor == f"staff:{boss.id}"
    assert closing.data == {
        "by": boss.email,
        "note": "Debtor deceased.",
        "plan_cancelled": plan.id,
        "reason_shown": False,
        "debtor_told": True,
        "message_id": message.id,
    }
    assert [e.data["reason"] for e in events(account, "plan_cancelled")] == ["account_closed"]
    # One email tells of both, without the reason the supervisor did not tick to show.
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "Your account is closed"
    text = body(mail, "plain")
    assert "We have closed your account ACC-1 with Acme Bank." in text
    assert "We have also ended your payment plan. We will not charge any more payments." in text
    assert "deceased" not in text and "Why:" not in text
    assert f"message {message.id}" in client.get(f"/console/accounts/{account.id}").text

    again = client.post(f"/console/accounts/{account.id}/close", data={"reason": "Twice."})
    assert again.status_code == 409 and "the account was already closed" in again.text
    assert len(events(account, "account_closed")) == 1


def test_closing_is_scoped_to_the_supervisors_creditors(make_account, make_staff, console_sign_in):
    make_account()
    theirs = make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    client = console_sign_in(make_staff("boss@example.com", "supervisor", creditors=["acme"]))
    assert client.get(f"/console/accounts/{theirs.id}/close").status_code == 404
    assert client.post(f"/console/accounts/{theirs.id}/close", data={"reason": "x"}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.status is AccountStatus.OPEN


# --- Cancel a plan -----------------------------------------------------------------------------


def test_a_supervisor_cancels_a_plan_with_a_reason_and_the_debtor_is_emailed(
    make_account, make_staff, console_sign_in, at, mailbox
):
    account = make_account()
    plan = _plan(account, date.today() + timedelta(days=5))
    agent = console_sign_in(make_staff())
    for path in (
        f"/console/accounts/{account.id}/plans/cancel",
        f"/console/accounts/{account.id}/plans/{plan.id}/cancel",
    ):
        assert agent.get(path).status_code == 403, path
    assert (
        agent.post(f"/console/accounts/{account.id}/plans/{plan.id}/cancel", data={"reason": "x"}).status_code
        == 403
    )

    boss = make_staff("boss@example.com", "supervisor")
    client = console_sign_in(boss)
    at(FRIDAY_NOON)
    page = client.get(f"/console/accounts/{account.id}/plans/cancel").text
    assert f'action="/console/accounts/{account.id}/plans/{plan.id}/cancel"' in page
    assert "The person is emailed in their language that the plan is cancelled" in page
    assert 'name="show_reason"' in page
    missing = client.post(f"/console/accounts/{account.id}/plans/{plan.id}/cancel", data={})
    assert missing.status_code == 400 and "Write the reason" in missing.text
    done = client.post(
        f"/console/accounts/{account.id}/plans/{plan.id}/cancel", data={"reason": "Asked to pay by cheque."}
    )
    assert done.status_code == 302
    db.session.refresh(plan), db.session.refresh(account)
    assert plan.status is PlanStatus.CANCELLED and plan.active_account_id is None and plan.ended_at
    assert {i.status for i in plan.instalments} == {InstalmentStatus.CANCELLED}
    assert account.status is AccountStatus.OPEN
    (ended,) = events(account, "plan_cancelled")
    assert ended.data == {"plan_id": plan.id, "reason": "staff_cancelled"}
    (message,) = db.session.scalars(select(Message)).all()
    assert message.kind == "plan_cancelled_notice" and message.debtor_initiated is False
    (by_staff,) = events(account, "staff_cancelled_plan")
    assert by_staff.actor == f"staff:{boss.id}"
    assert by_staff.data == {
        "by": boss.email,
        "plan_id": plan.id,
        "note": "Asked to pay by cheque.",
        "reason_shown": False,
        "debtor_told": True,
        "message_id": message.id,
    }
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "Your payment plan has been canceled"
    assert "cheque" not in body(mail, "plain") and "Why:" not in body(mail, "plain")
    followed = client.get(f"/console/accounts/{account.id}").text
    assert f"The person is emailed about it (message {message.id})." in followed
    assert "tell the person yourself" not in followed

    again = client.post(f"/console/accounts/{account.id}/plans/{plan.id}/cancel", data={"reason": "Twice."})
    assert again.status_code == 409 and f"plan {plan.id} was already cancelled" in again.text
    assert count(Message) == 1
    assert (
        "This account has no active plan." in client.get(f"/console/accounts/{account.id}/plans/cancel").text
    )


def test_a_plan_is_cancelled_only_through_its_own_account_and_creditor(
    make_account, make_staff, console_sign_in
):
    ours = make_account()
    sibling = make_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", full_name="John Roe", email="john@example.com")
    our_plan, their_plan = _plan(ours), _plan(theirs)
    client = console_sign_in(make_staff("boss@example.com", "supervisor", creditors=["acme"]))
    for path in (
        f"/console/accounts/{sibling.id}/plans/{our_plan.id}/cancel",
        f"/console/accounts/{ours.id}/plans/{their_plan.id}/cancel",
        f"/console/accounts/{theirs.id}/plans/{their_plan.id}/cancel",
        f"/console/accounts/{theirs.id}/plans/cancel",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/console/accounts/{sibling.id}/plans/{our_plan.id}/cancel",
        f"/console/accounts/{theirs.id}/plans/{their_plan.id}/cancel",
    ):
        assert client.post(path, data={"reason": "x"}).status_code == 404, path
    db.session.refresh(our_plan), db.session.refresh(their_plan)
    assert our_plan.status is PlanStatus.ACTIVE and their_plan.status is PlanStatus.ACTIVE


# --- Two supervisors at once -------------------------------------------------------------------


def _together(actions) -> list:
    """Run the actions in threads released at once (each request gets its own app context and
    database session); their results."""
    start = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        start.wait(timeout=30)
        try:
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test shows it in its failure
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_end_plan(monkeypatch):
    """Each cancellation dwells after deciding the plan is active and before ending it, so without
    the hold both requests would find it active and both cancel it."""
    ended = ledger.end_plan

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return ended(*args, **kwargs)

    monkeypatch.setattr(ledger, "end_plan", slow)


@pytest.mark.serial
def test_two_supervisors_cancelling_one_plan_at_once_cancel_it_once(
    make_account, make_staff, console_sign_in, slow_end_plan
):
    account = make_account()
    plan = _plan(account, date.today() + timedelta(days=5))
    clients = [
        console_sign_in(make_staff("one@example.com", "supervisor")),
        console_sign_in(make_staff("two@example.com", "supervisor")),
    ]
    path = f"/console/accounts/{account.id}/plans/{plan.id}/cancel"
    answers = _together([lambda c=c: c.post(path, data={"reason": "Cancel."}) for c in clients])
    assert sorted(a.status_code for a in answers) == [302, 409]
    assert len(events(account, "plan_cancelled")) == 1
    assert len(events(account, "staff_cancelled_plan")) == 1
    db.session.refresh(plan)
    assert plan.status is PlanStatus.CANCELLED
    # The debtor is told once: the refused request queued nothing.
    assert count(Message, Message.kind == "plan_cancelled_notice") == 1


@pytest.mark.serial
def test_cancelling_the_plan_while_another_closes_the_account_ends_it_once(
    make_account, make_staff, console_sign_in, slow_end_plan
):
    account = make_account()
    plan = _plan(account, date.today() + timedelta(days=5))
    one = console_sign_in(make_staff("one@example.com", "supervisor"))
    two = console_sign_in(make_staff("two@example.com", "supervisor"))
    cancel = f"/console/accounts/{account.id}/plans/{plan.id}/cancel"
    close = f"/console/accounts/{account.id}/close"
    answers = _together(
        [lambda: one.post(cancel, data={"reason": "A."}), lambda: two.post(close, data={"reason": "B."})]
    )
    # Both wait for the account in one order: no deadlock, no error; the plan ends once, and the
    # account is closed either way (the cancel refused if the close came first).
    assert {a.status_code for a in answers} <= {302, 409} and 302 in {a.status_code for a in answers}
    assert len(events(account, "plan_cancelled")) == 1
    db.session.refresh(account), db.session.refresh(plan)
    assert account.status is AccountStatus.CLOSED and plan.status is PlanStatus.CANCELLED
    # One closing email; a plan email only if the cancel came first (then the closing one does
    # not speak of the plan again).
    cancelled_first = answers[0].status_code == 302
    assert count(Message, Message.kind == "account_closed_notice") == 1
    assert count(Message, Message.kind == "plan_cancelled_notice") == (1 if cancelled_first else 0)
    closing = events(account, "account_closed")[0]
    assert closing.data["plan_cancelled"] == (None if cancelled_first else plan.id)
