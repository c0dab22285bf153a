"""The due-payment runner's batched claim, on the fake gateway: leases several due instalments in
one statement, charges them oldest first, and frees what it did not reach if it stops."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, inspect

from portal.extensions import db
from portal.models import Instalment, InstalmentStatus, Payment
from portal.payments.gateway import get_gateway
from portal.plans import runner
from tests.helpers.plans import KeyHonouringGateway, intents_for, make_plan, noon


def _plans(make_account, fake_gateway, count):
    plans = []
    for n in range(count):
        account = make_account(reference=f"ACC-{n}", email=f"person{n}@example.com")
        plans.append(make_plan(fake_gateway, account, count=2))
    return plans


def _first(plans):
    return [plan.instalments[0].id for plan in plans]


def test_due_instalments_are_leased_in_batches_and_charged_oldest_first(
    app, make_account, fake_gateway, monkeypatch
):
    plans = _plans(make_account, fake_gateway, 3)
    claims, charged = [], []
    claim, process = runner._claim, runner._process
    monkeypatch.setattr(runner, "BATCH", 2)
    monkeypatch.setattr(runner, "_claim", lambda now, passed: claims.append(claim(now, passed)) or claims[-1])

    def spy(instalment_id, *args, **kwargs):
        # While one is charged, the rest of its batch is still leased: no other runner takes them.
        leased = db.session.scalars(
            db.select(Instalment.id).where(Instalment.claimed_until.is_not(None)).order_by(Instalment.id)
        ).all()
        charged.append((instalment_id, leased))
        return process(instalment_id, *args, **kwargs)

    monkeypatch.setattr(runner, "_process", spy)
    report = runner.charge_due(noon(plans[0].instalments[0].due_date))

    first = _first(plans)
    assert report.charged == 3
    assert claims == [first[:2], first[2:], []]
    assert charged == [(first[0], first[:2]), (first[1], first[1:2]), (first[2], first[2:])]
    assert db.session.scalar(db.select(db.func.count()).where(Instalment.claimed_until.is_not(None))) == 0


def test_a_runner_stopped_by_an_error_frees_the_rest_of_its_batch(
    app, make_account, fake_gateway, monkeypatch
):
    plans = _plans(make_account, fake_gateway, 3)
    crashes = iter([RuntimeError("the process failed after Stripe answered")])

    def crash_once():
        error = next(crashes, None)
        if error:
            raise error

    monkeypatch.setattr(runner, "_after_stripe_call", crash_once)
    gateway = KeyHonouringGateway(get_gateway())
    day = noon(plans[0].instalments[0].due_date)
    with pytest.raises(RuntimeError):
        runner.charge_due(day, gateway=gateway)
    db.session.expire_all()
    assert db.session.scalars(
        db.select(Instalment.claimed_until).where(Instalment.id.in_(_first(plans)))
    ).all() == [
        None,
        None,
        None,
    ]

    # Straight away, not after the lease: the next run takes all three, resuming the first
    # instalment's attempt with its key, so Stripe's charge for it is recorded, not made twice.
    report = runner.charge_due(day, gateway=gateway)
    assert report.charged == 3
    for plan in plans:
        db.session.expire_all()
        assert db.session.get(Instalment, plan.instalments[0].id).status is InstalmentStatus.PAID
        assert db.session.scalar(db.select(db.func.count()).where(Payment.account_id == plan.account_id)) == 1
        succeeded = [
            pi
            for pi in intents_for(fake_gateway, plan.account.debtor.stripe_customer_id)
            if pi["status"] == "succeeded"
        ]
        assert len(succeeded) == 1


def test_the_claim_has_an_index_on_scheduled_instalments_by_due_day(app):
    indexes = {index["name"]: index for index in inspect(db.engine).get_indexes("instalments")}
    assert indexes["ix_instalments_due"]["column_names"] == ["next_attempt_on", "id"]


def test_charging_an_instalment_takes_a_bounded_number_of_statements(app, make_account, fake_gateway):
    """The statements one successful charge costs, from claim to receipt sent (the task queue is
    immediate here): a guard against a change that quietly reloads rows. Before the claim was
    batched and each turn read its rows once, it was 80.5 on PostgreSQL and 85.5 on SQLite."""
    day = noon(_plans(make_account, fake_gateway, 2)[0].instalments[0].due_date)
    db.session.remove()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - before_cursor_execute
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        report = runner.charge_due(day)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert report.charged == 2
    per_charge = len(statements) / 2
    assert per_charge <= LIMIT[db.engine.dialect.name], per_charge


LIMIT = {"postgresql": 56, "sqlite": 63}


def test_a_lease_that_ran_out_mid_batch_is_not_let_go_by_its_first_holder(app, make_account, fake_gateway):
    """A batch slower than its lease: another runner claims the rest, and the first, finishing
    late, must not free the row the second now holds."""
    (plan,) = _plans(make_account, fake_gateway, 1)
    first = noon(plan.instalments[0].due_date)
    later = first + runner.LEASE + timedelta(minutes=1)
    (instalment_id,) = runner._claim(first, set())
    assert runner._claim(later, set()) == [instalment_id]  # the first lease ran out

    runner._release(instalment_id, [], first)
    runner._let_go([instalment_id], first)

    db.session.expire_all()
    assert db.session.get(Instalment, instalment_id).claimed_until == later + runner.LEASE
    assert runner._release(instalment_id, [], later) is True  # its holder lets go; still due
    db.session.expire_all()
    assert db.session.get(Instalment, instalment_id).claimed_until is None
