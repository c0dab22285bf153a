"""Importing accounts from a creditor's CSV file, through the command and the importer."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.collector.importer import ImportFileError, import_accounts
from portal.extensions import db
from portal.models import Account, Creditor, Debtor, Event
from tests.collector.conftest import COLUMNS, account_row, untimed


def _accounts() -> list[Account]:
    db.session.expire_all()
    return db.session.scalars(select(Account).order_by(Account.reference)).all()


def _event_kinds() -> list[str]:
    return db.session.scalars(select(Event.kind).order_by(Event.id)).all()


def _import(runner, path):
    return runner.invoke(args=["import-accounts", path])


def test_command_imports_good_rows_and_prints_a_summary(runner, write_csv):
    path = write_csv(
        [
            account_row(reference="A-1"),
            account_row(reference="A-2", full_name="John Roe", date_of_birth="1975-01-02"),
        ]
    )
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 0"
    assert result.stderr == ""
    assert [a.reference for a in _accounts()] == ["A-1", "A-2"]
    assert _event_kinds() == ["account_imported", "account_imported"]


def test_reimporting_the_same_file_changes_nothing(runner, write_csv, snapshot):
    rows = [
        account_row(reference="A-1"),
        account_row(
            reference="A-2",
            creditor="globex",
            creditor_name="Globex",
            currency="JPY",
            principal="500",
            interest="",
            fees="",
        ),
        account_row(
            reference="A-3",
            full_name="Ana López",
            date_of_birth="",
            email="ana@example.com",
            currency="KWD",
            principal="1.234",
            interest="0",
            fees="0",
            language="es",
            timezone="Asia/Kuwait",
            original_creditor="Old Bank",
            itemization_date="2024-01-31",
        ),
    ]
    path = write_csv(rows)
    first = _import(runner, path)
    assert untimed(first.stdout) == "created 3, updated 0, unchanged 0, rejected 0"
    before = snapshot()

    again = _import(runner, path)

    assert again.exit_code == 0, again.output
    assert untimed(again.stdout) == "created 0, updated 0, unchanged 3, rejected 0"
    assert snapshot() == before


def test_reimporting_one_person_known_differently_by_two_creditors_changes_nothing(
    runner, write_csv, snapshot
):
    """Creditors often hold different contact details for the same person."""
    path = write_csv(
        [
            account_row(reference="A-1", creditor="acme", email="jane@acme.example", phone="+1 217 555 0101"),
            account_row(
                reference="G-7",
                creditor="globex",
                creditor_name="Globex",
                email="jane@globex.example",
                phone="",
            ),
        ]
    )
    assert untimed(_import(runner, path).stdout) == "created 2, updated 0, unchanged 0, rejected 0"
    before = snapshot()

    again = _import(runner, path)

    assert untimed(again.stdout) == "created 0, updated 0, unchanged 2, rejected 0"
    assert snapshot() == before


def test_a_changed_row_updates_the_account_and_notes_it(runner, write_csv):
    _import(runner, write_csv([account_row(reference="A-1", principal="1000.00")]))
    result = _import(runner, write_csv([account_row(reference="A-1", principal="900.00")]))
    assert untimed(result.stdout).splitlines() == [
        "line 2: updated acme/A-1: principal",
        "created 0, updated 1, unchanged 0, rejected 0",
    ]
    (account,) = _accounts()
    assert account.principal == 90000
    assert _event_kinds() == ["account_imported", "account_updated"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"reference": ""}, "reference is missing"),
        ({"principal": "-5.00"}, "principal is negative"),
        ({"interest": "-0.01"}, "interest is negative"),
        ({"principal": "12.345"}, "principal has more than 2 decimal places for USD"),
        ({"principal": "abc"}, "principal is not an amount"),
        ({"currency": "XYZ"}, "currency is not a known ISO 4217 code"),
        ({"date_of_birth": "2023-02-30"}, "date_of_birth is not a real date"),
        ({"itemization_date": "2023-02-30"}, "itemization_date is not a real date"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone is not an IANA time zone"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_the_good_rows_still_import(runner, write_csv, overrides, reason):
    path = write_csv(
        [
            account_row(reference="GOOD-1"),
            account_row(**{"reference": "BAD-1", **overrides}),
            account_row(reference="GOOD-2"),
        ]
    )
    result = _import(runner, path)

    assert result.exit_code == 0, result.output
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 1"
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("line 3: rejected: ")
    assert reason in line
    assert [a.reference for a in _accounts()] == ["GOOD-1", "GOOD-2"]
    assert _event_kinds() == ["account_imported", "account_imported"]


def test_a_reference_twice_in_one_file_keeps_the_first_and_rejects_the_second(runner, write_csv):
    path = write_csv(
        [
            account_row(reference="A-1", principal="100.00"),
            account_row(reference="A-2"),
            account_row(reference="A-1", principal="999.00"),
        ]
    )
    result = _import(runner, path)

    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 1"
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("line 4: rejected: ")
    assert "the reference appears twice for this creditor (first on line 2)" in line
    first = next(a for a in _accounts() if a.reference == "A-1")
    assert first.principal == 10000
    assert _event_kinds() == ["account_imported", "account_imported"]


def test_the_same_reference_at_two_creditors_is_two_accounts(runner, write_csv):
    path = write_csv(
        [
            account_row(reference="A-1", creditor="acme"),
            account_row(reference="A-1", creditor="globex", creditor_name="Globex"),
        ]
    )
    result = _import(runner, path)
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 0"


def test_every_bad_row_is_reported_in_one_run(runner, write_csv):
    path = write_csv(
        [
            account_row(reference="BAD-1", currency="XYZ"),
            account_row(reference="GOOD-1"),
            account_row(reference="BAD-2", principal="abc"),
        ]
    )
    result = _import(runner, path)
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 4"]
    assert untimed(result.stdout) == "created 1, updated 0, unchanged 0, rejected 2"


def test_missing_header_columns_is_a_clear_error_and_imports_nothing(runner, write_csv):
    columns = [c for c in COLUMNS if c not in ("principal", "currency")]
    path = write_csv([account_row()], columns=columns)
    result = _import(runner, path)

    assert result.exit_code != 0
    assert "lacks columns" in result.stderr
    assert "currency" in result.stderr and "principal" in result.stderr
    assert _accounts() == []


def test_an_empty_file_is_a_clear_error(runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    result = _import(runner, str(path))
    assert result.exit_code != 0
    assert "header" in result.stderr
    assert _accounts() == []


def test_importer_raises_on_missing_columns_without_touching_the_database(app):
    with pytest.raises(ImportFileError, match="fees"):
        import_accounts(io.StringIO("reference,creditor,full_name\nA-1,acme,Jane\n"))
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


@pytest.mark.parametrize(
    ("currency", "principal", "minor"),
    [
        ("USD", "1234.50", 123450),
        ("JPY", "500", 500),
        ("KWD", "1.234", 1234),
        ("USD", "1,234.5", 123450),
    ],
)
def test_amounts_are_stored_as_integer_minor_units(app, currency, principal, minor):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(account_row(currency=currency, principal=principal, interest="", fees=""))
    stream.seek(0)

    report = import_accounts(stream)

    assert (report.created, report.rejected) == (1, [])
    (account,) = _accounts()
    assert (account.currency, account.principal, account.interest, account.fees) == (
        currency,
        minor,
        0,
        0,
    )


def test_importer_reports_counts_and_rejections_with_lines(app):
    header = ",".join(COLUMNS)
    good = "A-1,acme,,Jane Doe,jane@example.com,,1980-03-27,62701,USD,10.00,,,,,,"
    bad = "A-2,acme,,Jane Doe,jane@example.com,,1980-03-27,62701,USD,abc,,,,,,"
    report = import_accounts(io.StringIO("\n".join([header, good, bad]) + "\n"))
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert len(report.rejected) == 1
    line, reason = report.rejected[0]
    assert line == 3
    assert reason.startswith("principal is not an amount")

    again = import_accounts(io.StringIO("\n".join([header, good]) + "\n"))
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 1, [])


def test_optional_columns_are_stored(runner, write_csv):
    path = write_csv(
        [
            account_row(
                creditor="old-mill",
                creditor_name="Old Mill Credit Union",
                timezone="America/Chicago",
                original_creditor="Springfield Store Card",
                itemization_date="2024-06-30",
                language="es",
            )
        ]
    )
    assert _import(runner, path).exit_code == 0
    (account,) = _accounts()
    assert account.creditor.name == "Old Mill Credit Union"
    assert account.timezone == "America/Chicago"
    assert account.original_creditor == "Springfield Store Card"
    assert account.itemization_date == date(2024, 6, 30)
    assert account.debtor.language == "es"


def test_optional_columns_may_be_left_out_of_the_header(runner, write_csv):
    required = [
        c
        for c in COLUMNS
        if c not in ("creditor_name", "timezone", "original_creditor", "itemization_date", "language")
    ]
    path = write_csv([account_row(creditor="old-mill")], columns=required)
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    (account,) = _accounts()
    assert account.creditor.name == "Old Mill"
    assert (account.timezone, account.original_creditor, account.itemization_date) == (
        None,
        None,
        None,
    )


def test_one_person_with_accounts_at_two_creditors_is_one_debtor(runner, write_csv):
    path = write_csv(
        [
            account_row(reference="A-1", creditor="acme", creditor_name="Acme Bank"),
            account_row(reference="G-7", creditor="globex", creditor_name="Globex"),
            account_row(reference="X-1", creditor="globex", full_name="John Roe", date_of_birth="1975-01-02"),
        ]
    )
    assert _import(runner, path).exit_code == 0
    accounts = {a.reference: a for a in _accounts()}
    assert accounts["A-1"].debtor_id == accounts["G-7"].debtor_id
    assert accounts["A-1"].creditor_id != accounts["G-7"].creditor_id
    assert accounts["X-1"].debtor_id != accounts["A-1"].debtor_id
    assert db.session.scalar(select(func.count()).select_from(Debtor)) == 2
    assert db.session.scalar(select(func.count()).select_from(Creditor)) == 2


@pytest.mark.parametrize(
    ("written", "stored"),
    [("zh-Hant", "zh_Hant"), ("zh-TW", "zh_Hant"), ("VI", "vi"), ("es-MX", "es"), ("EN", "en")],
)
def test_the_language_column_takes_any_tag_of_the_languages_we_speak(runner, write_csv, written, stored):
    path = write_csv([account_row(language=written)])
    assert _import(runner, path).exit_code == 0
    (account,) = _accounts()
    assert account.debtor.language == stored


def test_a_language_we_do_not_speak_is_refused_by_line(runner, write_csv):
    path = write_csv([account_row(language="ko")])
    result = _import(runner, path)
    assert "line 2: rejected: language is not one of" in result.output
    assert _accounts() == []
