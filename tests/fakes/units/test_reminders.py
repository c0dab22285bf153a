"""Plan payment reminders: the window on the debtor's own calendar, the contact rules, once only.

Read from the in-memory outbox; tests/plans/test_reminders.py keeps a reminder and a mail server
that fails over real SMTP."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.config import ConfigError, load_config
from portal.domain import contact
from portal.extensions import db
from portal.models import Instalment, InstalmentStatus, OptOut, PlanStatus
from portal.notify import rules
from portal.notify.optout import optout_url
from portal.plans import reminders
from tests.helpers.mail import body, raw_header
from tests.helpers.plans import plan_rows
from tests.helpers.records import event_kinds

NOW = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York, the creditor's zone


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _in_zone(account, zone: str):
    account.timezone = zone
    db.session.commit()
    return account


def _reminded(plan) -> list[date]:
    db.session.expire_all()
    return [i.due_date for i in plan.instalments if i.reminded_at is not None]


def test_the_window_runs_from_today_to_the_configured_days_ahead(make_account, mailbox, app):
    dates = [date(2027, 1, 14), date(2027, 1, 15), date(2027, 1, 18), date(2027, 1, 19)]
    plan = plan_rows(make_account(), [(d, 5000) for d in dates])

    assert reminders.send_reminders(NOW) == 2
    assert _reminded(plan) == [date(2027, 1, 15), date(2027, 1, 18)]


def test_the_window_follows_the_setting(make_account, mailbox, app):
    app.config["REMINDER_DAYS_BEFORE"] = 1
    plan = plan_rows(make_account(), [(date(2027, 1, 16), 5000), (date(2027, 1, 17), 5000)])
    assert reminders.send_reminders(NOW) == 1
    assert _reminded(plan) == [date(2027, 1, 16)]


def test_the_window_is_on_each_debtors_own_calendar(make_account, mailbox):
    now = utc(2027, 1, 15, 4, 30)  # Honolulu: 14 Jan 18:30. Kolkata: 15 Jan 10:00. New York: 14 Jan 23:30.
    honolulu = plan_rows(
        _in_zone(make_account("HNL"), "Pacific/Honolulu"),
        [(date(2027, 1, 17), 5000), (date(2027, 1, 18), 5000)],
    )
    kolkata = plan_rows(
        _in_zone(make_account("CCU", full_name="Asha Rao"), "Asia/Kolkata"), [(date(2027, 1, 18), 5000)]
    )
    new_york = plan_rows(make_account("NYC", full_name="Sam Lee"), [(date(2027, 1, 16), 5000)])

    assert reminders.send_reminders(now) == 2

    assert _reminded(honolulu) == [date(2027, 1, 17)]  # the 18th is four days away in Honolulu
    assert _reminded(kolkata) == [date(2027, 1, 18)]  # but three in Kolkata
    assert _reminded(new_york) == []  # 23:30 there: outside contact hours


def test_fall_back_evening_uses_the_local_date_and_local_hours(make_account, mailbox):
    # 8 Nov 01:30 UTC is 7 Nov 20:30 EST (the clocks went back that morning; in EDT it would be
    # 21:30, too late). The local date is the 7th, so the 11th is four days away, not three.
    plan = plan_rows(make_account(), [(date(2027, 11, 10), 5000), (date(2027, 11, 11), 5000)])
    assert reminders.send_reminders(utc(2027, 11, 8, 1, 30)) == 1
    assert _reminded(plan) == [date(2027, 11, 10)]


def test_spring_forward_morning_opens_at_eight_daylight_time(make_account, mailbox):
    plan = plan_rows(make_account(), [(date(2027, 3, 16), 5000)])
    assert reminders.send_reminders(utc(2027, 3, 13, 12, 30)) == 0  # 07:30 EST, the day before
    assert reminders.send_reminders(utc(2027, 3, 14, 12, 30)) == 1  # 08:30 EDT
    assert _reminded(plan) == [date(2027, 3, 16)]


def test_outside_hours_nothing_is_recorded_and_a_later_run_sends_it(make_account, mailbox):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 18), 5000)])
    before = event_kinds(account)

    assert reminders.send_reminders(utc(2027, 1, 15, 3, 0)) == 0  # 22:00 in New York

    assert event_kinds(account) == before and _reminded(plan) == []
    assert mailbox.wait_for(1, seconds=0.3) == []
    assert reminders.send_reminders(NOW) == 1
    assert _reminded(plan) == [date(2027, 1, 18)]


def test_an_opted_out_person_gets_no_reminder(make_account, mailbox):
    account = make_account()
    plan = plan_rows(account, [(date(2027, 1, 18), 5000)])
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()
    before = event_kinds(account)

    assert reminders.send_reminders(NOW) == 0
    assert reminders.send_reminders(utc(2027, 1, 16, 14, 0)) == 0

    assert mailbox.wait_for(1, seconds=0.3) == []
    assert event_kinds(account) == before and _reminded(plan) == []


def test_a_person_without_an_address_gets_nothing(make_account, mailbox):
    plan = plan_rows(make_account(email=None), [(date(2027, 1, 18), 5000)])
    assert reminders.send_reminders(NOW) == 0
    assert _reminded(plan) == []


def test_an_instalment_already_reminded_is_not_reminded_again(make_account, mailbox):
    plan = plan_rows(make_account(), [(date(2027, 1, 18), 5000)])
    plan.instalments[0].reminded_at = utc(2027, 1, 14, 15, 0)
    db.session.commit()
    assert reminders.send_reminders(NOW) == 0
    assert mailbox.wait_for(1, seconds=0.3) == []


@pytest.mark.parametrize("status", [PlanStatus.BROKEN, PlanStatus.CANCELLED, PlanStatus.COMPLETED])
def test_a_plan_that_is_not_active_is_not_reminded(make_account, mailbox, status):
    plan = plan_rows(make_account(), [(date(2027, 1, 18), 5000)], status=status)
    assert reminders.send_reminders(NOW) == 0
    assert _reminded(plan) == []


@pytest.mark.parametrize(
    "status", [InstalmentStatus.PAID, InstalmentStatus.MISSED, InstalmentStatus.CANCELLED]
)
def test_an_instalment_that_is_not_scheduled_is_not_reminded(make_account, mailbox, status):
    plan = plan_rows(make_account(), [(date(2027, 1, 18), 5000)])
    plan.instalments[0].status = status
    db.session.commit()
    assert reminders.send_reminders(NOW) == 0


def test_the_email_says_who_what_when_which_card_how_to_change_it_and_how_to_stop(make_account, mailbox):
    account = make_account("ACC-9")
    plan_rows(account, [(date(2027, 1, 18), 5000), (date(2027, 2, 18), 5000)], card_last4="1881")

    reminders.send_reminders(NOW)

    (message,) = mailbox.wait_for(1)
    url = optout_url(account.debtor)
    assert message["To"] == "jane@example.com"
    assert message["Subject"] == "Reminder: your payment of $50.00 on January 18, 2027"
    assert raw_header(message, "List-Unsubscribe").strip() == f"<{url}>"
    assert raw_header(message, "List-Unsubscribe-Post").strip() == "List-Unsubscribe=One-Click"
    text = body(message, "plain")
    for expected in (
        "Hello Jane Doe,",
        "your payment plan for your account ACC-9 with Acme Bank",
        "On January 18, 2027 we will charge $50.00 to your card.",
        "Visa card ending in 1881",
        "Payment 1 of 2",
        "To pay early or change the card, open this link: http://portal.test/l/",
        "You have the right to dispute this debt",
        "This message is from Example Recovery Services, a debt collection agency.",
        "1-800-555-0100",
        f"To stop receiving emails from us, open this link: {url}",
    ):
        assert expected in text, expected
    html = body(message, "html")
    assert '<html lang="en">' in html
    assert '<a href="http://portal.test/l/' in html  # the reminder's own fresh link
    assert f'<a href="{url}">{url}</a>' in html
    assert "Visa card ending in 1881" in html


def test_a_spanish_debtor_gets_spanish_amounts_and_dates(make_account, mailbox):
    plan_rows(make_account(language="es"), [(date(2027, 1, 18), 5000)])
    reminders.send_reminders(NOW)
    (message,) = mailbox.wait_for(1)
    # US Spanish formats (es_US: "$50.00", not Spain's "50,00 US$"); the wording waits for the translators.
    assert "$50.00" in message["Subject"] and "18 de enero de 2027" in message["Subject"]
    assert "Hola, Jane Doe:" in body(message, "plain")  # an existing, translated greeting
    assert '<html lang="es">' in body(message, "html")


def test_two_runs_at_once_send_one_reminder(make_account, mailbox, app, monkeypatch):
    account = make_account()
    plan_rows(account, [(date(2027, 1, 18), 5000)])
    real_email_allowed = rules.email_allowed
    other = {}

    def run_other():
        with app.app_context():
            other["sent"] = reminders.send_reminders(NOW)
            db.session.remove()

    def start_another_run_first(*args, **kwargs):
        # The first run holds the instalment (locked, not yet claimed) when the second one runs.
        if not other:
            other["started"] = True
            thread = threading.Thread(target=run_other)
            thread.start()
            thread.join(timeout=30)
            other["finished"] = not thread.is_alive()
        return real_email_allowed(*args, **kwargs)

    monkeypatch.setattr(rules, "email_allowed", start_another_run_first)

    first = reminders.send_reminders(NOW)

    assert other["finished"], "the second run waited for the first instead of passing over it"
    assert first + other["sent"] == 1
    assert len(mailbox.wait_for(2, seconds=1)) == 1
    assert event_kinds(account).count("reminder_sent") == 1


def test_the_command_prints_how_many_were_sent(make_account, mailbox, runner):
    plan_rows(make_account("A-1"), [(date(2027, 1, 18), 5000)])
    plan_rows(
        make_account("A-2", full_name="John Roe", email="john@example.com"), [(date(2027, 1, 17), 2500)]
    )

    result = runner.invoke(args=["send-reminders", "--now", "2027-01-15T14:00:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 2 reminders"

    again = runner.invoke(args=["send-reminders", "--now", "2027-01-15T14:00:00Z"])
    assert again.output.strip() == "Sent 0 reminders"
    assert len(mailbox.wait_for(3, seconds=1)) == 2
    db.session.expire_all()
    assert db.session.scalars(select(Instalment.reminded_at)).all() == [NOW, NOW]


def test_the_command_says_one_reminder(make_account, mailbox, runner):
    plan_rows(make_account(), [(date(2027, 1, 18), 5000)])
    result = runner.invoke(args=["send-reminders", "--now", "2027-01-15T09:00:00-05:00"])
    assert result.output.strip() == "Sent 1 reminder"


def test_without_now_the_command_uses_the_portals_clock(make_account, mailbox, runner, app):
    app.config["CLOCK_OFFSET_DAYS"] = 30
    moved = clock.now()
    # A fixed-offset zone where it is mid-afternoon now, so contact hours allow it whenever this runs.
    zone = f"Etc/GMT{-(14 - moved.hour):+d}" if moved.hour != 14 else "Etc/GMT"
    account = _in_zone(make_account(), zone)
    local_today = contact.local_date(moved, zone)
    plan = plan_rows(account, [(local_today + timedelta(days=2), 5000)])

    result = runner.invoke(args=["send-reminders"])

    assert result.output.strip() == "Sent 1 reminder"
    assert _reminded(plan) == [local_today + timedelta(days=2)]


@pytest.mark.parametrize(
    ("value", "message"),
    [("yesterday", "is not a time like"), ("2027-01-15T14:00:00", "has no time zone")],
)
def test_the_command_refuses_an_unclear_time(runner, value, message):
    result = runner.invoke(args=["send-reminders", "--now", value])
    assert result.exit_code == 2
    assert message in result.output


def test_the_reminder_days_setting_defaults_to_three_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("REMINDER_DAYS_BEFORE", raising=False)
    assert load_config()["REMINDER_DAYS_BEFORE"] == 3
    monkeypatch.setenv("REMINDER_DAYS_BEFORE", "5")
    assert load_config()["REMINDER_DAYS_BEFORE"] == 5
    monkeypatch.setenv("REMINDER_DAYS_BEFORE", "-1")
    with pytest.raises(ConfigError, match="REMINDER_DAYS_BEFORE"):
        load_config()
