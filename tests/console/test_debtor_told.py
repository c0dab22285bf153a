"""The debtor is told when a collector cancels their plan or closes their account: an email in
their language, queued with the change, carrying the collector's reason only when they ticked it,
waiting for contact hours and a pause, refused by an opt-out (and, for a plan, by a dispute's
hold), and the console saying truthfully which."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import clock
from portal.console import account_state
from portal.extensions import db
from portal.links import service as links
from portal.models import MagicLink, Message, MessageStatus, OptOut, PlanStatus
from portal.notify import sender
from portal.notify.optout import optout_url
from tests.helpers.mail import body, raw_header
from tests.helpers.plans import plan_rows
from tests.helpers.records import count, events

NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_NOON = datetime(2027, 1, 15, 12, 0, tzinfo=NEW_YORK)
FRIDAY_NIGHT = datetime(2027, 1, 15, 22, 0, tzinfo=NEW_YORK)
FRIDAY = date(2027, 1, 15)


@pytest.fixture
def at(monkeypatch):
    def move(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


@pytest.fixture
def boss(make_staff, console_sign_in):
    return console_sign_in(make_staff("boss@example.com", "supervisor"))


def _plan(account):
    first = date.today() + timedelta(days=5)
    return plan_rows(account, [(first, 3000), (first + timedelta(days=30), 3000)])


def _cancel(client, account, plan, **data):
    return client.post(f"/console/accounts/{account.id}/plans/{plan.id}/cancel", data=data)


def _close(client, account, **data):
    return client.post(f"/console/accounts/{account.id}/close", data=data)


def _messages():
    db.session.expire_all()
    return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_the_cancelled_plan_email_says_what_it_means_what_is_owed_and_links_to_the_options(
    make_account, boss, at, mailbox, client
):
    account = make_account()
    plan = _plan(account)
    at(FRIDAY_NOON)

    assert _cancel(boss, account, plan, reason="Card keeps failing.", show_reason="yes").status_code == 302

    (mail,) = mailbox.wait_for(1)
    subject = mail["Subject"]
    assert subject == "Your payment plan has been canceled"
    assert "$" not in subject and "debt" not in subject.lower()
    url = optout_url(account.debtor)
    assert raw_header(mail, "List-Unsubscribe").strip() == f"<{url}>"
    text, html = body(mail, "plain"), body(mail, "html")
    for part in (text, html):
        assert "Hello Jane Doe," in part
        assert "We have canceled your payment plan for account ACC-1 with Acme Bank." in part
        assert "We will not charge your card for any more payments." in part
        assert "You still owe $1,060.25." in part
        assert "Why: Card keeps failing." in part
        assert "Who is writing: Example Recovery Services, on behalf of Acme Bank." in part
        assert "This message is from Example Recovery Services, a debt collection agency." in part
        assert "To stop receiving emails from us, open this link:" in part
    assert f'<a href="{url}">{url}</a>' in html
    link = re.search(r"Open this link to see your options: (\S+)", text).group(1)
    assert f'<a href="{link}"' in html
    # The link is fresh and opens the person's options.
    (issued,) = db.session.scalars(select(MagicLink).where(MagicLink.account_id == account.id)).all()
    assert link == links.url_for_link(issued)
    assert client.get(link.removeprefix("http://portal.test")).status_code in (200, 302, 303)
    (event,) = events(account, "staff_cancelled_plan")
    assert event.data["reason_shown"] is True and event.data["debtor_told"] is True


def test_a_spanish_speaker_is_told_in_spanish(make_account, boss, at, mailbox):
    account = make_account(language="es")
    plan = _plan(account)
    at(FRIDAY_NOON)
    assert _cancel(boss, account, plan, reason="Internal.").status_code == 302
    assert _close(boss, account, reason="Creditor recalled it.", show_reason="yes").status_code == 302

    cancelled, closed = mailbox.wait_for(2)
    assert cancelled["Subject"] == "Su plan de pagos fue cancelado"
    assert "Hemos cancelado su plan de pagos de la cuenta ACC-1 con Acme Bank." in body(cancelled, "plain")
    assert "No se cobrarán más pagos de su tarjeta." in body(cancelled, "html")
    assert closed["Subject"] == "Su cuenta está cerrada"
    text = body(closed, "plain")
    assert "Hemos cerrado su cuenta ACC-1 con Acme Bank." in text
    assert "Motivo: Creditor recalled it." in text
    # The plan had ended before the account was closed: this email does not say it again.
    assert "También hemos terminado su plan de pagos" not in text


def test_the_closing_email_carries_the_reason_only_when_ticked(make_account, boss, at, mailbox):
    shown = make_account()
    hidden = make_account("ACC-2", full_name="Sam Other", email="sam@example.com")
    at(FRIDAY_NOON)

    assert _close(boss, shown, reason="Statute <expired>.", show_reason="yes").status_code == 302
    assert _close(boss, hidden, reason="Statute expired.").status_code == 302

    mails = {m["To"]: m for m in mailbox.wait_for(2)}
    told = mails["jane@example.com"]
    assert "Why: Statute <expired>." in body(told, "plain")
    assert "Why: Statute &lt;expired&gt;." in body(told, "html")  # the collector's words, escaped
    assert "We will not ask you for anything more about it" in body(told, "html")
    untold = mails["sam@example.com"]
    assert "Statute" not in body(untold, "plain") and "Statute" not in body(untold, "html")
    assert "Why:" not in body(untold, "plain")
    assert events(hidden, "account_closed")[0].data["reason_shown"] is False


def test_an_opted_out_person_is_not_emailed_and_the_console_says_to_tell_them(
    make_account, boss, at, mailbox
):
    account = make_account()
    plan = _plan(account)
    db.session.add(OptOut(debtor_id=account.debtor_id, channel="email"))
    db.session.commit()
    at(FRIDAY_NOON)

    cancelled = _cancel(boss, account, plan, reason="x")
    assert cancelled.status_code == 302
    page = boss.get(cancelled.headers["Location"]).text
    assert "The person is not emailed about it: the person asked us to stop using this." in page
    assert "Tell them yourself." in page
    assert count(Message) == 0
    assert count(MagicLink) == 0  # no link made for an email that will never go
    (event,) = events(account, "staff_cancelled_plan")
    assert (event.data["debtor_told"], event.data["not_told"]) == (False, "opted_out")
    assert events(account, "plan_cancelled_notice_not_sent")[0].data["reason"] == "opted_out"

    assert _close(boss, account, reason="y").status_code == 302
    assert events(account, "account_closed")[0].data["not_told"] == "opted_out"
    assert mailbox.arrived() == []


def test_a_dispute_hold_stops_the_plan_email_but_not_the_closing_one(make_account, boss, at, mailbox):
    account = make_account()
    plan = _plan(account)
    account.on_hold = True
    db.session.commit()
    at(FRIDAY_NOON)

    assert _cancel(boss, account, plan, reason="x").status_code == 302
    assert count(Message) == 0 and count(MagicLink) == 0
    assert events(account, "staff_cancelled_plan")[0].data["not_told"] == "on_hold"

    closed = _close(boss, account, reason="y")
    assert closed.status_code == 302
    (mail,) = mailbox.wait_for(1)
    assert mail["Subject"] == "Your account is closed"
    (message,) = _messages()
    assert message.status is MessageStatus.SENT
    assert events(account, "account_closed")[0].data["debtor_told"] is True


def test_at_night_the_email_waits_for_the_morning_and_the_console_says_when(make_account, boss, at, mailbox):
    account = make_account()
    plan = _plan(account)
    at(FRIDAY_NIGHT)

    done = _cancel(boss, account, plan, reason="x")

    assert done.status_code == 302
    (message,) = _messages()
    assert message.status is MessageStatus.QUEUED
    morning = datetime(2027, 1, 16, 8, 0, tzinfo=NEW_YORK)
    assert message.not_before == morning.astimezone(UTC)
    page = boss.get(done.headers["Location"]).text
    assert f"The email telling the person (message {message.id}) waits until" in page
    assert "(America/New_York), as their contact rules ask." in page
    assert mailbox.arrived() == []
    assert sender.send_due(morning) == 1
    assert mailbox.wait_for(1)[0]["Subject"] == "Your payment plan has been canceled"


def test_during_a_pause_the_email_waits_to_the_day_after_and_its_link_lasts_past_then(
    make_account, boss, at, mailbox, app
):
    account = make_account()
    plan = _plan(account)
    account.reminders_paused_until = FRIDAY + timedelta(days=60)
    db.session.commit()
    at(FRIDAY_NOON)

    assert _cancel(boss, account, plan, reason="x").status_code == 302

    (message,) = _messages()
    after = datetime(2027, 3, 17, 8, 0, tzinfo=NEW_YORK)  # the day after 2027-03-16, at 08:00
    assert message.status is MessageStatus.QUEUED and message.not_before == after.astimezone(UTC)
    assert events(account, "message_scheduled")[0].data["reason"] == "paused"
    (link,) = db.session.scalars(select(MagicLink)).all()
    # The link's days count from when the email goes, not from when it was written (a link's
    # life is measured on the real clock, so it is compared as a length).
    waits = after - FRIDAY_NOON
    assert link.expires_at - link.created_at >= waits + timedelta(days=app.config["LINK_DAYS"])
    assert mailbox.arrived() == []
    assert sender.send_due(after - timedelta(minutes=1)) == 0
    assert sender.send_due(after) == 1
    assert len(mailbox.wait_for(1)) == 1


def test_the_email_is_queued_in_the_transaction_of_the_change(make_account, boss, at, monkeypatch):
    account = make_account()
    plan = _plan(account)
    at(FRIDAY_NOON)

    def broken(*args, **kwargs):
        raise RuntimeError("the timeline could not be written")

    monkeypatch.setattr(account_state.acting, "record", broken)
    with pytest.raises(RuntimeError):
        _cancel(boss, account, plan, reason="x")
    db.session.rollback()

    # Nothing of the change was kept, so no email tells of it and no link was made for it.
    assert count(Message) == 0 and count(MagicLink) == 0
    db.session.refresh(plan)
    assert plan.status is PlanStatus.ACTIVE
