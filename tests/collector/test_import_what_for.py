"""What a debt is for (description, service date, the account number on the itemization date):
imported from the CSV, on SQLite one by one and on PostgreSQL through COPY and set-based SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Account, Event, Payment
from tests.collector.conftest import COLUMNS, account_row, untimed

WHAT_FOR = [*COLUMNS, "description", "service_date", "original_account_number"]


def _import(runner, write_csv, rows):
    return runner.invoke(args=["import-accounts", write_csv(rows, columns=WHAT_FOR)])


def _accounts() -> list[Account]:
    db.session.expire_all()
    return db.session.scalars(select(Account).order_by(Account.reference)).all()


def _updates(account) -> list[dict]:
    return db.session.scalars(
        select(Event.data)
        .where(Event.account_id == account.id, Event.kind == "account_updated")
        .order_by(Event.id)
    ).all()


def test_description_service_date_and_account_number_are_stored(runner, write_csv):
    result = _import(
        runner,
        write_csv,
        [
            account_row(
                reference="A-1",
                description="Emergency room visit",
                service_date="2026-06-14",
                original_account_number="RMG-558812",
            ),
            account_row(reference="A-2"),
        ],
    )

    assert result.exit_code == 0, result.output
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 0"
    first, second = _accounts()
    assert (first.description, first.service_date, first.original_account_number) == (
        "Emergency room visit",
        date(2026, 6, 14),
        "RMG-558812",
    )
    assert (second.description, second.service_date, second.original_account_number) == (None, None, None)


def test_the_description_is_kept_as_written_markup_and_all(runner, write_csv):
    written = 'X-ray & "follow-up" <b>visit</b>'
    result = _import(runner, write_csv, [account_row(description=written)])
    assert result.exit_code == 0, result.output
    (account,) = _accounts()
    assert account.description == written


def test_a_description_on_several_lines_is_put_on_one_and_reported_as_cleaned(runner, write_csv):
    result = _import(runner, write_csv, [account_row(description="Emergency room\nvisit")])
    assert result.exit_code == 0, result.output
    assert "line 2" in result.output and "description" in result.output
    (account,) = _accounts()
    assert account.description == "Emergency room visit"


def test_a_description_of_500_characters_imports(runner, write_csv):
    result = _import(runner, write_csv, [account_row(description="a" * 500)])
    assert untimed(result.stdout) == "created 1, updated 0, unchanged 0, rejected 0"
    assert _accounts()[0].description == "a" * 500


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"description": "a" * 501}, "description is longer than 500 characters"),
        ({"service_date": (date.today() + timedelta(days=1)).isoformat()}, "service_date is in the future"),
        ({"service_date": "2026-02-30"}, "service_date is not a real date written YYYY-MM-DD"),
        ({"service_date": "06/14/2026"}, "service_date is not a real date written YYYY-MM-DD"),
        ({"original_account_number": "9" * 51}, "original_account_number is longer than 50 characters"),
    ],
)
def test_a_bad_value_is_rejected_by_line_and_the_other_rows_import(runner, write_csv, overrides, reason):
    result = _import(
        runner,
        write_csv,
        [
            account_row(reference="GOOD-1"),
            account_row(reference="GOOD-2"),
            account_row(**{"reference": "BAD-1", **overrides}),
        ],
    )

    assert result.exit_code == 0, result.output
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 1"
    (line,) = result.stderr.strip().splitlines()
    assert line == f"line 4: rejected: {reason}"
    assert [a.reference for a in _accounts()] == ["GOOD-1", "GOOD-2"]


def test_a_service_date_of_today_imports(runner, write_csv):
    result = _import(runner, write_csv, [account_row(service_date=date.today().isoformat())])
    assert untimed(result.stdout) == "created 1, updated 0, unchanged 0, rejected 0"


def test_a_new_description_updates_the_account_and_says_so(runner, write_csv):
    _import(runner, write_csv, [account_row(reference="A-1", description="Office visit")])

    result = _import(
        runner,
        write_csv,
        [account_row(reference="A-1", description="Emergency room visit", service_date="2026-06-14")],
    )

    assert untimed(result.stdout).splitlines() == [
        "line 2: updated acme/A-1: description, service_date",
        "created 0, updated 1, unchanged 0, rejected 0",
    ]
    (account,) = _accounts()
    assert (account.description, account.service_date) == ("Emergency room visit", date(2026, 6, 14))
    assert _updates(account) == [{"changed": ["description", "service_date"]}]


def test_reimporting_the_same_description_changes_nothing(runner, write_csv):
    row = account_row(description="Emergency room visit", service_date="2026-06-14")
    _import(runner, write_csv, [row])
    again = _import(runner, write_csv, [row])
    assert untimed(again.stdout) == "created 0, updated 0, unchanged 1, rejected 0"
    assert _updates(_accounts()[0]) == []


def test_a_new_description_on_an_account_with_payments_is_applied_and_flagged(runner, write_csv):
    """Such rows take the one-by-one path on PostgreSQL too, where the staged row is read back."""
    _import(runner, write_csv, [account_row(reference="A-1", description="Office visit")])
    (account,) = _accounts()
    db.session.add(
        Payment(account_id=account.id, stripe_payment_intent_id="pi_1", amount=100, currency="USD")
    )
    db.session.commit()

    result = _import(
        runner,
        write_csv,
        [
            account_row(
                reference="A-1", description="Emergency room visit", original_account_number="****1234"
            )
        ],
    )

    assert result.exit_code == 0, result.output
    (account,) = _accounts()
    assert (account.description, account.original_account_number) == ("Emergency room visit", "****1234")
    assert account.needs_review
    (update,) = _updates(account)
    assert update["changed"] == ["description", "original_account_number"]
    assert update["needs_review"] == "an import changed an account with payments"
