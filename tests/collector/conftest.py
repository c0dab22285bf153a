"""Helpers for collector tests: CSV files written the way a creditor would send them."""

from __future__ import annotations

import csv
import re

import pytest
from sqlalchemy import text

from portal.extensions import db

COLUMNS = [
    "reference",
    "creditor",
    "creditor_name",
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "postal_code",
    "currency",
    "principal",
    "interest",
    "fees",
    "language",
    "timezone",
    "original_creditor",
    "itemization_date",
]


def account_row(**overrides) -> dict:
    """A good row; override any column."""
    row = {
        "reference": "ACC-100",
        "creditor": "acme",
        "creditor_name": "Acme Bank",
        "full_name": "Jane Doe",
        "email": "jane@example.com",
        "phone": "+1 217 555 0199",
        "date_of_birth": "1980-03-27",
        "postal_code": "62701",
        "currency": "USD",
        "principal": "1000.00",
        "interest": "50.25",
        "fees": "10.00",
        "language": "",
        "timezone": "",
        "original_creditor": "",
        "itemization_date": "",
    }
    row.update(overrides)
    return row


@pytest.fixture
def write_csv(tmp_path):
    """Write rows to a CSV file and return its path; file lines are header=1, rows from 2."""
    counter = iter(range(1000))

    def write(rows: list[dict], columns: list[str] | None = None) -> str:
        path = tmp_path / f"accounts-{next(counter)}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return str(path)

    return write


@pytest.fixture
def snapshot(app):
    """Every row of the tables an import touches, to compare before and after."""

    def take() -> dict[str, list[tuple]]:
        db.session.expire_all()
        return {
            table: [tuple(r) for r in db.session.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in ("creditors", "debtors", "accounts", "events", "magic_links")
        }

    return take


def untimed(output: str) -> str:
    """The command's output without the seconds its summary ends with (they vary by run)."""
    return re.sub(r" in \d+\.\d seconds$", "", output.strip(), flags=re.M)
