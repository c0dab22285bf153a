"""The email telling a debtor what a person decided about their offer respects contact hours:
decided at night, it waits in the outbox and goes out with the first run of the outbox's sender
in the debtor's morning, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.domain.schedules import Frequency
from portal.extensions import db
from portal.models import OptOut
from portal.models.types import utcnow
from portal.notify import sender
from portal.offers import service as offers
from portal.plans import reminders
from tests.helpers.plan_pages import events
from tests.support_pages.helpers import at


def _today() -> date:
    return utcnow().date()


@pytest.fixture
def offer(make_account):
    account = make_account()
    account.timezone = "UTC"
    made = offers.make_offer(
        account, offers.Terms(4000, Frequency.MONTHLY, _today() + timedelta(days=40)), "", None
    )
    db.session.commit()
    return made


def _decide_at(runner, offer, day: date, hour: int):
    return runner.invoke(args=["decide-offer", str(offer.id), "--accept", "--now", at(day, hour).isoformat()])


@pytest.mark.parametrize("hour", [21, 23, 3, 7])
def test_a_decision_outside_contact_hours_waits_for_the_morning(offer, runner, mailbox, hour):
    today = _today()

    result = _decide_at(runner, offer, today, hour)

    assert result.exit_code == 0, result.output
    morning = at(today + timedelta(days=1) if hour >= 21 else today, 8)
    assert f"Not emailed now; it goes out at {morning.isoformat()}" in result.output
    assert mailbox.arrived() == []
    (held,) = events(offer.account, "message_scheduled")
    assert held.data["reason"] == "outside_hours" and held.data["until"] == morning.isoformat()

    assert sender.send_due(morning - timedelta(minutes=1)) == 0
    assert sender.send_due(morning) == 1
    assert sender.send_due(morning + timedelta(hours=1)) == 0
    (mail,) = mailbox.arrived()
    assert mail["Subject"] == "We have accepted your offer"
    assert len(events(offer.account, "offer_decision_sent")) == 1


@pytest.mark.parametrize("hour", [8, 12, 20])
def test_a_decision_inside_contact_hours_is_emailed_at_once_and_only_once(offer, runner, mailbox, hour):
    result = _decide_at(runner, offer, _today(), hour)

    assert "Emailed jane@example.com" in result.output
    assert len(mailbox.wait_for(1)) == 1
    assert reminders.send_reminders(at(_today(), 20, 30)) == 0
    assert sender.send_due(at(_today(), 20, 30)) == 0
    assert len(mailbox.arrived()) == 1


def test_a_decision_for_someone_who_opted_out_is_not_emailed_later_either(offer, runner, mailbox):
    db.session.add(OptOut(debtor_id=offer.account.debtor_id, channel="email"))
    db.session.commit()

    result = _decide_at(runner, offer, _today(), 10)

    assert "Not emailed (opted_out); the debtor sees the decision on their account page" in result.output
    assert reminders.send_reminders(at(_today() + timedelta(days=1), 10)) == 0
    assert sender.send_due(at(_today() + timedelta(days=1), 10)) == 0
    assert mailbox.arrived() == []
