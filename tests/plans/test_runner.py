"""The due-payment runner against a real localstripe: once per instalment, whatever happens."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.models import (
    AccountStatus,
    Event,
    InstalmentStatus,
    Payment,
    PlanStatus,
)
from portal.plans import runner
from tests.helpers.plans import intents_for, make_plan, noon


def _kinds(account):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()


def _payments(account):
    db.session.expire_all()
    return db.session.scalars(db.select(Payment).where(Payment.account_id == account.id)).all()


def test_due_instalments_are_charged_once_and_the_plan_completes(app, make_account, localstripe, mailbox):
    account = make_account()
    plan = make_plan(localstripe, account, count=3)
    dates = [i.due_date for i in plan.instalments]

    report = runner.charge_due(noon(dates[0]))
    assert report.charged == 1
    assert runner.charge_due(noon(dates[0])).charged == 0, "a second run the same day charges nothing"
    assert runner.charge_due(noon(dates[1] - timedelta(days=1))).charged == 0, "nothing before its date"
    assert runner.charge_due(noon(dates[2])).charged == 2

    db.session.expire_all()
    assert [i.status for i in plan.instalments] == [InstalmentStatus.PAID] * 3
    assert sum(p.amount for p in _payments(account)) == account.total_owed.minor
    assert plan.status is PlanStatus.COMPLETED
    assert account.status is AccountStatus.PAID
    assert len(intents_for(localstripe, account.debtor.stripe_customer_id)) == 3
    kinds = _kinds(account)
    assert kinds.count("charge_started") == 3 and kinds.count("instalment_paid") == 3


def test_a_card_needing_authentication_emails_a_link_and_waits(app, make_account, localstripe, mailbox):
    account = make_account()
    plan = make_plan(localstripe, account, card="4000002500003155", count=2)
    report = runner.charge_due(noon(plan.instalments[0].due_date))
    assert report.needs_authentication == 1
    message = mailbox.wait_for(1)[-1]
    assert message["Subject"] == "Please confirm your plan payment with your bank"
    assert "http://portal.test/l/" in message.get_body(preferencelist=("plain",)).get_content()
    assert _payments(account) == []
