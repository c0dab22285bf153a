"""Re-importing an account that has a history: what was paid is never corrupted (README, "Importing
accounts"). Refused rows change nothing; other changes are applied and flagged for a person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.disputes import service as disputes
from portal.extensions import db
from portal.models import (
    Account,
    AccountStatus,
    DisputeReason,
    Event,
    InstalmentStatus,
    Payment,
    PaymentAttempt,
    PlanStatus,
)
from tests.collector.conftest import account_row, untimed
from tests.helpers.plans import plan_rows

REFUSED_BELOW_PAID = (
    "line 2: refused, nothing changed: the new total is not more than what was already paid on the "
    "account; a person must decide (a refund, or closing the account)"
)


def _import(runner, write_csv, **overrides):
    row = account_row(**{"reference": "A-1", "principal": "100.00", "interest": "", "fees": "", **overrides})
    return runner.invoke(args=["import-accounts", write_csv([row])])


def _account() -> Account:
    db.session.expire_all()
    return db.session.scalars(select(Account)).one()


def _updates(account) -> list[dict]:
    return db.session.scalars(
        select(Event.data)
        .where(Event.account_id == account.id, Event.kind == "account_updated")
        .order_by(Event.id)
    ).all()


def _pay(account, amount: int, intent: str = "pi_1") -> None:
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id=intent, amount=amount, currency="USD")
    )
    db.session.commit()


@pytest.fixture
def imported(runner, write_csv) -> Account:
    """A-1 at acme, 100.00 owed, imported through the command."""
    result = _import(runner, write_csv)
    assert result.exit_code == 0, result.output
    return _account()


@pytest.mark.parametrize("principal", ["40.00", "50.00"])
def test_a_row_that_would_leave_nothing_or_less_than_nothing_owed_is_refused(
    runner, write_csv, imported, principal
):
    """Re-importing at 40.00 after 50.00 was paid used to say "You owe -$10.00"."""
    _pay(imported, 5000)

    result = _import(runner, write_csv, principal=principal)

    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == REFUSED_BELOW_PAID
    assert untimed(result.stdout) == "created 0, updated 0, unchanged 0, rejected 0, refused 1"
    account = _account()
    assert (account.principal, account.balance.minor, account.needs_review) == (10000, 5000, False)
    assert _updates(account) == []


def test_more_owed_on_an_account_with_payments_is_applied_and_flagged_for_a_person(
    runner, write_csv, imported
):
    _pay(imported, 5000)

    result = _import(runner, write_csv, principal="150.00", email="jane.new@example.com")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert untimed(result.stdout).splitlines() == [
        "line 2: updated acme/A-1: email, principal; flagged for review: "
        "an import changed an account with payments",
        "created 0, updated 1, unchanged 0, rejected 0, flagged for review 1",
    ]
    account = _account()
    assert account.balance.minor == 10000
    assert account.needs_review is True
    assert account.review_reason == "an import changed an account with payments"
    assert _updates(account) == [
        {
            "changed": ["email", "principal"],
            "total_before": 10000,
            "total_after": 15000,
            "needs_review": "an import changed an account with payments",
        }
    ]

    again = _import(runner, write_csv, principal="150.00", email="jane.new@example.com")
    assert untimed(again.stdout) == "created 0, updated 0, unchanged 1, rejected 0"
    assert len(_updates(_account())) == 1


def test_a_change_to_an_account_without_history_is_applied_and_nobody_is_asked(runner, write_csv, imported):
    result = _import(runner, write_csv, principal="80.00")
    assert untimed(result.stdout).splitlines() == [
        "line 2: updated acme/A-1: principal",
        "created 0, updated 1, unchanged 0, rejected 0",
    ]
    account = _account()
    assert (account.principal, account.needs_review, account.review_reason) == (8000, False, None)


def test_the_amounts_of_a_paid_account_never_change_so_its_pages_agree(runner, write_csv, imported, sign_in):
    """A paid account re-imported at a higher amount said "You do not owe anything more" on its
    overview and "$100.00" on its validation page."""
    _pay(imported, 10000)
    imported.status = AccountStatus.PAID
    db.session.commit()

    result = _import(runner, write_csv, principal="200.00")

    assert result.stderr.strip() == (
        "line 2: refused, nothing changed: the account is closed (paid, settled or closed after a "
        "dispute); its amounts stay"
    )
    account = _account()
    assert (account.principal, account.balance.minor) == (10000, 0)
    client = sign_in(account)
    assert "You do not owe anything more" in client.get("/account").get_data(as_text=True)
    about = client.get("/about-this-debt").get_data(as_text=True)
    assert "$200.00" not in about


def test_a_plan_in_force_is_kept_and_never_left_collecting_more_than_is_owed(runner, write_csv, imported):
    first = date.today() + timedelta(days=7)
    plan = plan_rows(imported, [(first + timedelta(days=30 * n), 2500) for n in range(4)])
    plan.instalments[0].status = InstalmentStatus.PAID
    db.session.commit()
    _pay(imported, 2500)

    lowered = _import(runner, write_csv, principal="99.99")  # 74.99 left, the plan collects 75.00

    assert lowered.stderr.strip() == (
        "line 2: refused, nothing changed: the new total leaves less owed than the plan in force or "
        "a payment in progress will collect; change or end the plan first"
    )
    assert _account().principal == 10000

    raised = _import(runner, write_csv, principal="120.00")

    assert raised.stdout.strip().splitlines()[0] == (
        "line 2: updated acme/A-1: principal; flagged for review: "
        "an import changed an account with payments, a plan in force"
    )
    db.session.expire_all()
    assert plan.status is PlanStatus.ACTIVE and plan.active_account_id == imported.id
    assert [(i.amount, i.status) for i in plan.instalments] == [
        (2500, InstalmentStatus.PAID),
        (2500, InstalmentStatus.SCHEDULED),
        (2500, InstalmentStatus.SCHEDULED),
        (2500, InstalmentStatus.SCHEDULED),
    ]
    assert _account().balance.minor == 9500


def test_a_payment_in_progress_counts_as_already_on_its_way(runner, write_csv, imported):
    db.session.add(
        PaymentAttempt(
            account_id=imported.id,
            live_account_id=imported.id,
            amount=10000,
            currency="USD",
            idempotency_key="attempt-1",
        )
    )
    db.session.commit()

    result = _import(runner, write_csv, principal="60.00")

    assert result.stderr.startswith(
        "line 2: refused, nothing changed: the new total leaves less owed than the plan in force or a "
        "payment in progress"
    )
    assert _account().principal == 10000


def test_a_change_during_a_dispute_is_applied_and_flagged(runner, write_csv, imported):
    disputes.open_dispute(imported, DisputeReason.WRONG_AMOUNT, "It was 60.")
    db.session.commit()

    result = _import(runner, write_csv, principal="60.00")

    assert untimed(result.stdout).splitlines()[0] == (
        "line 2: updated acme/A-1: principal; flagged for review: an import changed an account with a dispute"
    )
    account = _account()
    assert (account.principal, account.needs_review, account.on_hold) == (6000, True, True)


def test_the_currency_of_an_account_with_payments_never_changes(runner, write_csv, imported):
    _pay(imported, 1000)
    result = _import(runner, write_csv, currency="EUR")
    assert result.stderr.strip() == (
        "line 2: refused, nothing changed: the currency cannot change on an account with payments or a plan"
    )
    assert _account().currency == "USD"
