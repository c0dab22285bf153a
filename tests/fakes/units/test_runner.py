"""The due-payment runner on the fake gateway: once per instalment, whatever happens.

Moved from tests/plans/test_runner.py, which keeps the runs on a real localstripe and SMTP server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import (
    AccountStatus,
    Event,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentAttempt,
    PlanStatus,
)
from portal.payments.gateway import CardDeclined, get_gateway
from portal.plans import runner
from tests.helpers.plans import KeyHonouringGateway, intents_for, make_plan, noon


def _kinds(account):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Event.kind).where(Event.account_id == account.id).order_by(Event.id)
    ).all()


def _payments(account):
    db.session.expire_all()
    return db.session.scalars(db.select(Payment).where(Payment.account_id == account.id)).all()


def test_attempts_use_deterministic_keys_recorded_before_stripe_is_called(
    app, make_account, fake_gateway, monkeypatch
):
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    seen = {}
    real = get_gateway().charge_saved_card

    def spy(**kwargs):
        attempt = db.session.scalars(
            db.select(PaymentAttempt).where(PaymentAttempt.idempotency_key == kwargs["key"])
        ).one()
        seen["committed_before_call"] = attempt.id is not None
        seen["key"] = kwargs["key"]
        return real(**kwargs)

    monkeypatch.setattr(get_gateway(), "charge_saved_card", spy)
    runner.charge_due(noon(plan.instalments[0].due_date))
    first = plan.instalments[0]
    assert seen["committed_before_call"]
    assert seen["key"] == f"instalment-{first.id}-account-{account.id}-attempt-1"


def test_a_crash_between_stripe_and_the_commit_never_charges_twice(
    app, make_account, fake_gateway, monkeypatch
):
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    gateway = KeyHonouringGateway(get_gateway())
    crashes = iter([RuntimeError("power cut after Stripe answered")])

    def crash_once():
        error = next(crashes, None)
        if error:
            raise error

    monkeypatch.setattr(runner, "_after_stripe_call", crash_once)
    day = noon(plan.instalments[0].due_date)
    with pytest.raises(RuntimeError):
        runner.charge_due(day, gateway=gateway)
    assert _payments(account) == []

    report = runner.charge_due(day + runner.LEASE + timedelta(minutes=1), gateway=gateway)
    assert report.charged == 1
    assert len(_payments(account)) == 1
    assert len(intents_for(fake_gateway, account.debtor.stripe_customer_id)) == 1
    assert "charge_resumed" in _kinds(account)
    attempts = db.session.scalars(
        db.select(PaymentAttempt).where(PaymentAttempt.account_id == account.id)
    ).all()
    assert len(attempts) == 1


def test_concurrent_runners_charge_each_instalment_once(app, make_account, fake_gateway):
    accounts = [make_account(reference=f"ACC-{n}", email=None) for n in range(4)]
    plans = [make_plan(fake_gateway, account, count=2) for account in accounts]
    day = noon(plans[0].instalments[0].due_date)
    errors = []

    def run():
        with app.app_context():
            try:
                runner.charge_due(day)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for account in accounts:
        assert len(_payments(account)) == 1
        assert len(intents_for(fake_gateway, account.debtor.stripe_customer_id)) == 1


def test_decline_off_session_is_retried_then_missed_then_the_plan_breaks(
    app, make_account, fake_gateway, mailbox
):
    account = make_account()
    plan = make_plan(
        fake_gateway,
        account,
        card="4000000000000341",
        count=3,
        policy_changes={"retry_days": [3], "grace_days": 5, "misses_before_broken": 1},
    )
    due = plan.instalments[0].due_date

    report = runner.charge_due(noon(due))
    assert report.declined == 1
    first = db.session.get(Instalment, plan.instalments[0].id)
    assert first.next_attempt_on == due + timedelta(days=3)
    assert runner.charge_due(noon(due + timedelta(days=2))).declined == 0, "no retry before the retry date"
    assert runner.charge_due(noon(due + timedelta(days=3))).declined == 1
    db.session.expire_all()
    assert first.next_attempt_on == due + timedelta(days=5), "after the last retry the grace days run"

    report = runner.charge_due(noon(due + timedelta(days=5)))
    assert report.missed == 1 and report.broken == 1
    db.session.expire_all()
    assert plan.status is PlanStatus.BROKEN
    assert [i.status for i in plan.instalments] == [
        InstalmentStatus.MISSED,
        InstalmentStatus.CANCELLED,
        InstalmentStatus.CANCELLED,
    ]
    assert account.status is AccountStatus.OPEN and _payments(account) == []
    subjects = [m["Subject"] for m in mailbox.wait_for(4)]
    assert subjects.count("We could not collect your plan payment") == 2
    assert "Your payment plan has ended" in subjects
    assert len(intents_for(fake_gateway, account.debtor.stripe_customer_id)) == 2


def test_hard_declines_are_not_retried(app, make_account, fake_gateway):
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2, policy_changes={"retry_days": [3, 7], "grace_days": 4})

    class StolenCard:
        def charge_saved_card(self, **kwargs):
            raise CardDeclined("stolen_card")

    due = plan.instalments[0].due_date
    runner.charge_due(noon(due), gateway=StolenCard())
    db.session.expire_all()
    first = plan.instalments[0]
    assert first.next_attempt_on == due + timedelta(days=4)
    assert first.attempts == 3, "marked as out of automatic tries"
    decline = db.session.scalars(db.select(Event).where(Event.kind == "charge_declined")).one()
    assert decline.data["hard"] is True and decline.data["retry_on"] is None


def test_nothing_is_charged_outside_the_debtors_daytime(app, make_account, fake_gateway):
    from datetime import UTC, datetime, time

    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    due = plan.instalments[0].due_date
    night_in_new_york = datetime.combine(due, time(3, 0), tzinfo=UTC)  # 22:00 or 23:00 the day before
    report = runner.charge_due(night_in_new_york)
    assert report.charged == 0 and report.skipped >= 1
    assert runner.charge_due(noon(due)).charged == 1


def test_a_paused_plan_is_not_charged(app, make_account, fake_gateway):
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    plan.status = PlanStatus.CANCELLED
    plan.active_account_id = None
    db.session.commit()
    assert runner.charge_due(noon(plan.instalments[-1].due_date)).charged == 0


def test_the_charge_due_command_and_the_huey_task(app, make_account, fake_gateway):
    cli = app.test_cli_runner()
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    when = noon(plan.instalments[0].due_date).isoformat()
    result = cli.invoke(args=["charge-due", "--now", when])
    assert result.exit_code == 0, result.output
    assert "charged 1" in result.output

    from portal.tasks import charge_due_task

    assert "charged 0" in charge_due_task.call_local()
    assert len(_payments(account)) == 1


def test_an_instalment_paid_since_it_was_picked_is_not_charged_again(app, make_account, fake_gateway):
    """Two runners: one charges and lets go; the other, holding a stale pick, must not charge."""
    account = make_account()
    plan = make_plan(fake_gateway, account, count=2)
    first = plan.instalments[0]
    day = noon(first.due_date)
    assert runner.charge_due(day).charged == 1
    report = runner.RunReport()
    runner._process(first.id, day, get_gateway(), report)  # the slow runner's stale pick
    assert report.charged == 0 and report.declined == 0
    assert len(_payments(account)) == 1
    assert len(intents_for(fake_gateway, account.debtor.stripe_customer_id)) == 1
