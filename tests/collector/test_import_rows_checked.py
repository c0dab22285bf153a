"""Every row is checked before it reaches the database; a bad row is reported by line and column,
never by value, and the rest of the file still imports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError

from portal.collector import importer
from portal.extensions import db
from portal.models import Account
from tests.collector.conftest import COLUMNS, account_row, untimed

# Personal details of the bad row; none of them may appear in anything the import prints.
SECRET = {
    "full_name": "Zelda Quixotic-Personal",
    "email": "zelda.private@example.com",
    "date_of_birth": "1961-07-19",
    "phone": "+1 555 0100 777",
}


def _import(runner, path, *options):
    return runner.invoke(args=["import-accounts", path, *options])


def _references() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(Account.reference).order_by(Account.reference)).all()


def _assert_no_personal_data(output: str) -> None:
    for value in SECRET.values():
        assert value not in output
    assert "Zelda" not in output and "1961" not in output and "Traceback" not in output


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"reference": "R" * 81}, "reference is longer than 80 characters"),
        ({"full_name": "Zelda " + "Q" * 200}, "full_name is longer than 200 characters"),
        ({"creditor_name": "A" * 201}, "creditor_name is longer than 200 characters"),
        ({"original_creditor": "O" * 201}, "original_creditor is longer than 200 characters"),
        ({"email": "z" * 250 + "@example.com"}, "email is longer than 254 characters"),
        ({"phone": "5" * 41}, "phone is longer than 40 characters"),
        ({"postal_code": "9" * 21}, "postal_code is longer than 20 characters"),
        ({"principal": "21474836.48"}, "principal is larger than the portal can hold"),
        ({"principal": "99999999999999999999.00"}, "principal is larger than the portal can hold"),
        (
            {"principal": "20000000.00", "interest": "1474836.48", "fees": ""},
            "the total owed is larger than the portal can hold",
        ),
        ({"full_name": "Zelda\x00Quixotic"}, "full_name contains a NUL character"),
        ({"reference": "R-\x001"}, "reference contains a NUL character"),
        ({"email": "zelda\x00@example.com"}, "email contains a NUL character"),
        ({"reference": "R-1\nR-2"}, "reference contains a control character or a line break"),
        ({"postal_code": "627\x0701"}, "postal_code contains a control character or a line break"),
        ({"email": "zelda.private@"}, "email is not an email address"),
        ({"date_of_birth": "1961-02-30"}, "date_of_birth is not a real date"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth is not in the past"),
        (
            {"principal": "12,50"},
            "principal is not an amount like 1234.50 (a comma may only separate thousands)",
        ),
        ({"fees": "1,5"}, "fees is not an amount like 1234.50"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_column_only_and_the_rest_imports(
    runner, write_csv, overrides, reason
):
    path = write_csv(
        [
            account_row(reference="GOOD-1"),
            account_row(**{"reference": "BAD-1", **SECRET, **overrides}),
            account_row(reference="GOOD-2"),
        ]
    )
    result = _import(runner, path)

    assert result.exit_code == 0, result.output
    assert result.stderr.strip().startswith(f"line 3: rejected: {reason}")
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 1"
    _assert_no_personal_data(result.output)
    assert _references() == ["GOOD-1", "GOOD-2"]


def test_thousands_separators_still_read_as_thousands(runner, write_csv):
    result = _import(runner, write_csv([account_row(principal="1,234,567.50", interest="1,000", fees="")]))
    assert result.exit_code == 0, result.output
    (account,) = db.session.scalars(select(Account)).all()
    assert (account.principal, account.interest) == (123456750, 100000)


def test_names_are_put_on_one_line_and_the_cleaning_is_reported_without_the_values(runner, write_csv):
    """A creditor name with a line break broke the receipt email's headers."""
    row = account_row(
        full_name="Zelda\r\n  Quixotic\tPersonal",
        creditor_name="Acme\nBank\u2028Ltd",
        original_creditor="Old \x1b[31mStore\x7f  Card",
    )
    result = _import(runner, write_csv([row]))

    assert result.exit_code == 0, result.output
    assert untimed(result.stdout).splitlines() == [
        "line 2: cleaned creditor_name, full_name, original_creditor: "
        "line breaks or control characters removed",
        "created 1, updated 0, unchanged 0, rejected 0",
    ]
    assert "Zelda" not in result.output and "Acme" not in result.output
    (account,) = db.session.scalars(select(Account)).all()
    assert account.debtor.full_name == "Zelda Quixotic Personal"
    assert account.creditor.name == "Acme Bank Ltd"
    assert account.original_creditor == "Old [31mStore Card"

    again = _import(runner, write_csv([row]))
    assert untimed(again.stdout).splitlines()[-1] == "created 0, updated 0, unchanged 1, rejected 0"


def test_a_line_the_csv_reader_cannot_read_is_reported_and_the_rest_imports(runner, tmp_path):
    header = ",".join(COLUMNS)
    good = "A-1,acme,,Jane Doe,jane@example.com,,1980-03-27,62701,USD,10.00,,,,,,"
    huge = 'A-2,acme,,"' + "Z" * 200_000 + '",jane@example.com,,1980-03-27,62701,USD,10.00,,,,,,'
    last = "A-3,acme,,Jane Doe,jane@example.com,,1980-03-27,62701,USD,10.00,,,,,,"
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([header, good, huge, last]) + "\n", encoding="utf-8")

    result = _import(runner, str(path))

    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "line 3: rejected: the line cannot be read as CSV"
    assert "ZZZ" not in result.output
    assert _references() == ["A-1", "A-3"]


def test_an_error_the_database_raises_is_reported_by_kind_without_its_values(app, monkeypatch):
    """A safety net behind the checks: the database's own message carries the row's values."""
    real = importer._upsert

    def refuse_one(row, line):
        if row.reference == "BAD-1":
            raise DataError(
                "INSERT INTO debtors ...", {"full_name": SECRET["full_name"]}, Exception("too long")
            )
        return real(row, line)

    monkeypatch.setattr(importer, "_upsert", refuse_one)
    monkeypatch.setattr(importer, "_set_based", lambda: False)  # the one-by-one path, on any database
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows([account_row(reference="BAD-1", **SECRET), account_row(reference="GOOD-1")])
    stream.seek(0)

    report = importer.import_accounts(stream)

    assert report.rejected == [(2, "the database refused the row (DataError)")]
    assert report.created == 1
    assert _references() == ["GOOD-1"]


# --- Encodings --------------------------------------------------------------------------------


def _csv_text(rows: list[dict]) -> str:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


ROWS = [
    account_row(reference="A-1"),
    account_row(reference="A-2", full_name="José Núñez", **{"date_of_birth": "1961-07-19"}),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_utf8_or_a_file_whose_byte_order_mark_declares_it_is_read_correctly(runner, tmp_path, encoding):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(ROWS).encode(encoding))  # utf-16 and utf-32 write a mark

    result = _import(runner, str(path))

    assert result.exit_code == 0, result.output
    assert untimed(result.stdout) == "created 2, updated 0, unchanged 0, rejected 0"
    names = {a.reference: a.debtor.full_name for a in db.session.scalars(select(Account))}
    assert names == {"A-1": "Jane Doe", "A-2": "José Núñez"}


def test_a_latin1_file_is_refused_with_one_clear_message_and_nothing_is_imported(runner, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(ROWS).encode("latin-1"))

    result = _import(runner, str(path))

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        'Error: the file is not UTF-8 text (line 3). Save it as UTF-8 ("CSV UTF-8" in Excel), '
        "or name its encoding, e.g. --encoding latin-1, and import it again. Nothing was imported."
    )
    assert "Jos" not in result.output
    assert _references() == []


def test_a_declared_encoding_reads_a_latin1_file(runner, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(ROWS).encode("cp1252"))

    result = _import(runner, str(path), "--encoding", "cp1252")

    assert result.exit_code == 0, result.output
    names = {a.reference: a.debtor.full_name for a in db.session.scalars(select(Account))}
    assert names["A-2"] == "José Núñez"


def test_utf16_without_a_byte_order_mark_is_refused_clearly(runner, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(ROWS).encode("utf-16-le"))

    result = _import(runner, str(path))

    assert result.exit_code == 1
    assert "the file looks like UTF-16 without a byte-order mark" in result.stderr
    assert "Traceback" not in result.output
    assert _references() == []


def test_an_unknown_encoding_name_is_refused(runner, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(ROWS).encode("utf-8"))
    result = _import(runner, str(path), "--encoding", "klingon")
    assert result.exit_code == 1
    assert "unknown encoding 'klingon'" in result.stderr
