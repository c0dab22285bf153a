""" "I can't pay right now": a promise to pay (reminders paused until the day before, then its own
reminder within contact hours) and a hardship call-back (reminders paused for the policy's
hardship_pause_days), both on the timeline and in the collector's `requests` queue."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest

from portal.accounts import policies
from portal.cant_pay import service as cant_pay
from portal.extensions import db
from portal.models import OptOut, RequestKind, RequestStatus
from portal.models.types import utcnow
from portal.notify import request_notices as notices
from portal.notify import rules
from portal.plans import reminders
from tests.helpers.mail import body
from tests.helpers.plan_pages import (
    check_page,
    details,
    error_summary,
    events,
    field_error,
    fresh,
    links,
    long_date,
    page_text,
)
from tests.helpers.plans import plan_rows
from tests.support_pages.helpers import (
    BALANCE,
    CALL_BACK_PAGES,
    PROMISE_PAGES,
    ask_call_back,
    at,
    drafts_for,
    requests_for,
    send_promise,
)


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def account(make_account, sign_in):
    account = make_account()
    account.timezone = "UTC"  # contact hours on a clock the tests can name
    db.session.commit()
    sign_in(account)
    return account


# --- The choices -------------------------------------------------------------------------------


def test_i_cant_pay_right_now_is_linked_from_the_overview_and_the_options_and_offers_every_way(
    account, client, app
):
    app.config["DEBT_ADVICE_LINKS"] = "Neutral Counselling Directory|https://counselling.example.org/"
    assert "/cant-pay" in links(client.get("/account").text)
    assert "/cant-pay" in links(client.get("/options").text)

    page = client.get("/cant-pay")

    assert check_page(page.text) == "If you cannot pay right now"
    assert {
        "/cant-pay/promise",
        "/cant-pay/call-back",
        "/afford",
        "/offer/new",
        "https://counselling.example.org/",
        "/account",
    } <= links(page.text)
    assert "We will stop reminders for 30 days" in page_text(page.text)


def test_the_default_debt_advice_is_free_independent_and_from_configuration(account, client):
    text = page_text(client.get("/cant-pay").text)
    assert "free, confidential advice about money and debt from a nonprofit credit counselor" in text
    assert "https://www.nfcc.org/" in links(client.get("/cant-pay").text)


# --- Promise to pay ----------------------------------------------------------------------------


def test_a_promise_pauses_reminders_until_the_day_before_and_lands_on_the_timeline(account, client):
    day = _today() + timedelta(days=10)

    response = send_promise(client, day)

    assert response.status_code == 303 and response.headers["Location"] == "/cant-pay/promise/done"
    assert drafts_for(account) == [], "sending clears the answers kept on the way"
    (promise,) = requests_for(account)
    assert (promise.kind, promise.status, promise.promise_date, promise.promise_amount) == (
        RequestKind.PROMISE,
        RequestStatus.OPEN,
        day,
        None,
    )
    assert promise.pause_until == day - timedelta(days=1)
    assert fresh(account).reminders_paused_until == day - timedelta(days=1)
    (event,) = events(account, "promise_made")
    assert event.actor == "debtor"
    assert event.data == {
        "request_id": promise.id,
        "promise_date": day.isoformat(),
        "full_amount": True,
        "amount": BALANCE,
        "reminders_paused_until": (day - timedelta(days=1)).isoformat(),
    }
    done = client.get("/cant-pay/promise/done")
    assert check_page(done.text) == "Thank you for telling us"
    text = page_text(done.text)
    assert f"You said you will pay the full amount, $1,060.25, on {long_date(day)}." in text
    assert f"We will not send you payment reminders until {long_date(day - timedelta(days=1))}." in text
    assert f"We will email you on {long_date(day - timedelta(days=1))} to remind you." in text
    assert f"You told us you will pay on {long_date(day)}." in page_text(client.get("/account").text)


def test_a_promise_of_a_first_payment_keeps_the_amount(account, client):
    day = _today() + timedelta(days=3)

    response = send_promise(client, day, how_much="part", amount="150.00")

    assert response.status_code == 303
    assert requests_for(account)[0].promise_amount == 15000
    assert events(account, "promise_made")[0].data["full_amount"] is False
    assert f"You said you will pay $150.00 on {long_date(day)}." in page_text(
        client.get("/cant-pay/promise/done").text
    )


@pytest.mark.parametrize(
    ("offset", "answers", "field", "message"),
    [
        (0, {}, "date-month", "The date must be between {first} and {last}"),
        (31, {}, "date-month", "The date must be between {first} and {last}"),
        (5, {"how_much": ""}, "how_much-0", "Choose whether you will pay the full amount or part of it"),
        (5, {"how_much": "part"}, "amount", "Enter an amount"),
        (
            5,
            {"how_much": "part", "amount": "1060.25"},
            "amount",
            "That is the whole amount you owe. Choose the full amount instead.",
        ),
    ],
    ids=["today", "past-the-policy-limit", "no-amount-choice", "no-amount", "whole-balance"],
)
def test_a_promise_outside_the_policy_window_or_without_an_amount_is_refused(
    account, client, offset, answers, field, message
):
    first, last = _today() + timedelta(days=1), _today() + timedelta(days=30)

    response = send_promise(client, _today() + timedelta(days=offset), **answers)

    assert response.status_code == 400
    check_page(response.text)
    expected = message.format(first=long_date(first), last=long_date(last))
    assert error_summary(response.text) == {field: expected}
    assert field_error(response.text, field) == expected
    assert requests_for(account) == []
    assert fresh(account).reminders_paused_until is None


def test_the_promise_window_is_the_policys_first_payment_limit(account, client):
    policies.change(account.creditor, {"first_payment_within_days": 7})
    db.session.commit()

    assert send_promise(client, _today() + timedelta(days=8)).status_code == 400
    assert send_promise(client, _today() + timedelta(days=7)).status_code == 303


def test_reminders_wait_while_a_promise_pauses_them_and_the_day_before_brings_its_own(make_account, mailbox):
    account = make_account()
    account.timezone = "UTC"
    db.session.commit()
    today = _today()
    plan = plan_rows(account, [(today + timedelta(days=2), 5000), (today + timedelta(days=40), 5000)])
    promised = today + timedelta(days=5)
    cant_pay.make_promise(account, promised, None)
    db.session.commit()

    assert reminders.send_reminders(at(today, 10)) == 0, "the plan payment in 2 days is not reminded"
    assert reminders.send_reminders(at(promised - timedelta(days=2), 10)) == 0
    assert mailbox.arrived() == []
    assert events(account, "reminder_sent") == []

    sent = reminders.send_reminders(at(promised - timedelta(days=1), 10))

    assert sent == 1
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == f"Reminder: you said you would pay on {long_date(promised)}"
    text = body(mail, "plain")
    assert f"You told us you would pay the full amount, $1,060.25, on {long_date(promised)}" in text
    assert "http://portal.test/l/" in text
    (event,) = events(account, "promise_reminder_sent")
    assert event.data["promise_date"] == promised.isoformat()
    # Once only, however often the schedule runs that day.
    assert reminders.send_reminders(at(promised - timedelta(days=1), 15)) == 0
    assert len(mailbox.arrived()) == 1
    # Once the pause is over, plan reminders come back.
    db.session.expire_all()
    assert plan.instalments[0].reminded_at is None


def test_plan_reminders_come_back_after_the_pause(make_account, mailbox, app):
    account = make_account()
    account.timezone = "UTC"
    db.session.commit()
    today = _today()
    plan_rows(account, [(today + timedelta(days=8), 5000)])
    cant_pay.make_promise(account, today + timedelta(days=6), None)  # paused until today + 5
    db.session.commit()

    assert reminders.send_reminders(at(today + timedelta(days=5), 10)) == 1  # only the promise's own
    assert [m["Subject"] for m in mailbox.wait_for(1)] == [
        f"Reminder: you said you would pay on {long_date(today + timedelta(days=6))}"
    ]
    assert events(account, "reminder_sent") == []

    assert reminders.send_reminders(at(today + timedelta(days=6), 10)) == 1
    assert len(events(account, "reminder_sent")) == 1


@pytest.mark.parametrize("hour", [7, 21, 23])
def test_the_promise_reminder_waits_for_contact_hours(make_account, mailbox, hour):
    account = make_account()
    account.timezone = "UTC"
    db.session.commit()
    promised = _today() + timedelta(days=4)
    cant_pay.make_promise(account, promised, 20000)
    db.session.commit()
    day_before = promised - timedelta(days=1)

    assert reminders.send_reminders(at(day_before, hour)) == 0
    assert mailbox.arrived() == []
    assert events(account, "promise_reminder_sent") == []

    assert reminders.send_reminders(at(day_before, 8)) == 1
    (mail,) = mailbox.wait_for(1)
    assert f"You told us you would make a payment of $200.00 on {long_date(promised)}" in body(mail, "plain")


def test_the_promise_reminder_follows_the_debtors_own_calendar(make_account, mailbox):
    account = make_account()
    account.timezone = "Pacific/Honolulu"  # UTC-10 all year
    db.session.commit()
    promised = _today() + timedelta(days=4)
    cant_pay.make_promise(account, promised, None)
    db.session.commit()
    day_before = promised - timedelta(days=1)

    # 02:00 UTC on the day before is still the day before that in Honolulu (16:00): not yet.
    assert reminders.send_reminders(at(day_before, 2)) == 0
    # 03:00 UTC on the promised day is 17:00 on the day before in Honolulu: now.
    assert reminders.send_reminders(at(promised, 3)) == 1


def test_no_promise_reminder_for_someone_who_opted_out(make_account, mailbox):
    account = make_account()
    account.timezone = "UTC"
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    promised = _today() + timedelta(days=4)
    cant_pay.make_promise(account, promised, None)
    db.session.commit()

    assert reminders.send_reminders(at(promised - timedelta(days=1), 10)) == 0
    assert mailbox.arrived() == []


# --- Hardship: a pause and a call back ---------------------------------------------------------


def test_a_call_back_request_pauses_reminders_for_the_policys_days(account, client, runner):
    result = runner.invoke(args=["set-policy", "acme", "--hardship-pause-days", "45"])
    assert result.exit_code == 0, result.output
    assert "  hardship_pause_days: 45" in result.output.splitlines()
    form = client.get("/cant-pay/call-back")
    assert check_page(form.text) == "What number should we call?"
    assert "We will stop payment reminders for 45 days" in page_text(form.text)

    response = ask_call_back(
        client,
        phone="(312) 555-0100",
        days=["tuesday", "monday", "sunday"],
        times=["evening"],
        explanation="I lost my job last month.",
    )

    assert response.status_code == 303 and response.headers["Location"] == "/cant-pay/call-back/done"
    assert drafts_for(account) == [], "sending clears the answers kept on the way"
    (asked,) = requests_for(account)
    until = _today() + timedelta(days=45)
    assert (asked.kind, asked.phone, asked.call_days, asked.call_times) == (
        RequestKind.HARDSHIP,
        "(312) 555-0100",
        "monday,tuesday",
        "evening",
    )
    assert asked.explanation == "I lost my job last month."
    assert asked.pause_until == until and fresh(account).reminders_paused_until == until
    (event,) = events(account, "callback_requested")
    assert event.data == {
        "request_id": asked.id,
        "hardship": True,
        "reminders_paused_until": until.isoformat(),
    }
    done = client.get("/cant-pay/call-back/done")
    assert check_page(done.text) == "We will call you back"
    assert f"We will not send you payment reminders until {long_date(until)}." in page_text(done.text)
    assert details(done.text) == {
        "Phone number": "(312) 555-0100",
        "Days": "Monday, Tuesday",
        "Time of day": "Evening",
    }
    assert "Free help with debt" in page_text(done.text)


def test_the_default_hardship_pause_is_30_days_and_a_longer_pause_is_kept(account, client):
    longer = _today() + timedelta(days=90)
    account.reminders_paused_until = longer
    db.session.commit()

    assert ask_call_back(client).status_code == 303

    assert requests_for(account)[0].pause_until == _today() + timedelta(days=30)
    assert fresh(account).reminders_paused_until == longer


def test_a_hardship_pause_holds_plan_reminders(make_account, mailbox):
    account = make_account()
    account.timezone = "UTC"
    db.session.commit()
    today = _today()
    plan_rows(account, [(today + timedelta(days=2), 5000)])
    policy = policies.rules(policies.current(account.creditor))
    cant_pay.request_callback(account, policy, today, phone="312 555 0100", days=[], times=[], explanation="")
    db.session.commit()

    assert reminders.send_reminders(at(today, 10)) == 0
    assert mailbox.arrived() == []


@pytest.mark.parametrize("bad", [0, 366])
def test_the_hardship_pause_is_validated(account, runner, bad):
    result = runner.invoke(args=["set-policy", "acme", "--hardship-pause-days", str(bad)])
    assert result.exit_code == 1
    assert "hardship_pause_days must be between 1 and 365" in result.output


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"phone": ""}, "Enter a phone number where we can call you"),
        ({"phone": "call me"}, "Enter a phone number using numbers only, for example 312 555 0100"),
        ({"phone": "123"}, "Enter a phone number using numbers only, for example 312 555 0100"),
        ({"explanation": "x" * 2001}, "Your explanation must be 2000 characters or fewer"),
    ],
    ids=["no-phone", "words", "too-short", "long-explanation"],
)
def test_a_call_back_request_that_cannot_be_sent_says_why(account, client, answers, message):
    response = ask_call_back(client, **answers)

    assert response.status_code == 400
    check_page(response.text)
    field = "explanation" if "explanation" in answers else "phone"
    assert error_summary(response.text) == {field: message}
    assert field_error(response.text, field) == message
    assert requests_for(account) == []


def test_the_phone_field_starts_with_the_number_we_hold(make_account, sign_in, client):
    account = make_account()
    account.debtor.phone = "312 555 0199"
    db.session.commit()
    sign_in(account)
    assert 'value="312 555 0199"' in client.get("/cant-pay/call-back").text

    client.post("/cant-pay/call-back", data={"phone": "312 555 0123"})

    page = client.get("/cant-pay/call-back").text
    assert 'value="312 555 0123"' in page and "312 555 0199" not in page, "the number given wins"


# --- The collector's queue ---------------------------------------------------------------------


def test_the_collector_lists_open_promises_and_call_backs(account, client, runner):
    day = _today() + timedelta(days=6)
    send_promise(client, day, how_much="part", amount="75.50")
    ask_call_back(client, days=["friday"], explanation="Waiting\nfor my pay")
    promise, call = requests_for(account)

    result = runner.invoke(args=["requests"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Promise {promise.id}: acme/ACC-1 (Jane Doe) will pay 75.50 USD on {day.isoformat()}"
    assert lines[1].startswith(f"  reminders paused until {(day - timedelta(days=1)).isoformat()}; asked ")
    assert lines[2] == f"Call back {call.id}: acme/ACC-1 (Jane Doe) on 312 555 0100, friday, any time"
    assert lines[3] == "  says: Waiting for my pay"


def test_a_closed_account_has_nothing_to_promise(make_account, sign_in, client):
    from portal.models import AccountStatus

    account = make_account()
    account.status = AccountStatus.PAID
    db.session.commit()
    sign_in(account)
    for path in ("/cant-pay", *PROMISE_PAGES, *CALL_BACK_PAGES, "/afford", "/offer/new"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/account", path
    for path in (*PROMISE_PAGES, *CALL_BACK_PAGES):
        response = client.post(path, data={"phone": "312 555 0100", "how_much": "full"})
        assert response.status_code == 303 and response.headers["Location"] == "/account", path
    assert requests_for(account) == [] and drafts_for(account) == []


# --- Debt advice from configuration -------------------------------------------------------------


def test_debt_advice_links_are_read_from_configuration_and_a_bad_entry_stops_start_up(monkeypatch):
    from portal.config import ConfigError, advice_links, load_config

    assert advice_links("A|https://a.example/; B | http://b.example/x ;") == [
        ("A", "https://a.example/"),
        ("B", "http://b.example/x"),
    ]
    monkeypatch.setenv("DEBT_ADVICE_LINKS", "Just a label")
    with pytest.raises(ConfigError, match=re.escape("should look like 'Label|https://example.org/'")):
        load_config({"PORTAL_ENV": "test"})
    monkeypatch.setenv("DEBT_ADVICE_LINKS", "Evil|javascript:alert(1)")
    with pytest.raises(ConfigError):
        load_config({"PORTAL_ENV": "test"})


def test_debt_advice_is_in_the_pages_language(make_account, sign_in, client, app):
    app.config["DEBT_ADVICE_LINKS_ES"] = "Directorio de asesoría|https://asesoria.example.org/"
    account = make_account(language="es")
    sign_in(account)

    page = client.get("/cant-pay").text

    assert "Puede recibir asesoramiento gratuito y confidencial" in page
    assert "https://asesoria.example.org/" in links(page)
    assert "https://www.nfcc.org/" not in links(page)


def test_two_runs_at_once_send_one_promise_reminder(make_account, mailbox, app, monkeypatch):
    account = make_account()
    account.timezone = "UTC"
    promised = _today() + timedelta(days=4)
    cant_pay.make_promise(account, promised, None)
    db.session.commit()
    now = at(promised - timedelta(days=1), 10)
    real_email_allowed = rules.email_allowed
    other = {}

    def run_other():
        with app.app_context():
            other["sent"] = notices.send_promise_reminders(now)
            db.session.remove()

    def start_another_run_first(*args, **kwargs):
        # The first run has decided the reminder is due, and not claimed it yet.
        if not other:
            other["started"] = True
            thread = threading.Thread(target=run_other)
            thread.start()
            thread.join(timeout=30)
            other["finished"] = not thread.is_alive()
        return real_email_allowed(*args, **kwargs)

    monkeypatch.setattr(rules, "email_allowed", start_another_run_first)

    first = notices.send_promise_reminders(now)

    assert other["finished"], "the second run waited for the first instead of going ahead"
    assert first + other["sent"] == 1
    assert len(mailbox.arrived()) == 1
    assert len(events(account, "promise_reminder_sent")) == 1
