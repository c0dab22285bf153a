"""Import accounts from CSV: upsert by creditor + reference; bad rows are reported, good ones kept."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import select

from portal import timeline
from portal.collector.csv_rows import AccountRow, RowError, missing_columns, parse_row
from portal.extensions import db
from portal.models import Account, Creditor, Debtor


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}"
        )


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


def import_accounts(stream: TextIO) -> ImportReport:
    """Read the CSV and upsert every good row; each row commits or fails alone."""
    reader = csv.DictReader(stream)
    if not reader.fieldnames:
        raise ImportFileError("the file is empty: expected a header row")
    missing = missing_columns(list(reader.fieldnames))
    if missing:
        raise ImportFileError("the header row lacks columns: " + ", ".join(missing))
    report = ImportReport()
    seen: set[tuple[str, str]] = set()
    for raw in reader:
        line = reader.line_num
        try:
            row = parse_row(raw)
            key = (row.creditor, row.reference)
            if key in seen:
                raise RowError(f"reference {row.reference!r} appears twice for {row.creditor}")
            seen.add(key)
            outcome = _upsert(row)
            db.session.commit()
        except RowError as error:
            db.session.rollback()
            report.rejected.append((line, str(error)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _creditor(row: AccountRow) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == row.creditor))
    if creditor is None:
        creditor = Creditor(
            slug=row.creditor, name=row.creditor_name or row.creditor.replace("-", " ").title()
        )
        db.session.add(creditor)
        db.session.flush()
    elif row.creditor_name and creditor.name != row.creditor_name:
        creditor.name = row.creditor_name
    return creditor


def _person_fields(row: AccountRow) -> dict:
    return {
        "full_name": row.full_name,
        "email": row.email,
        "phone": row.phone,
        "date_of_birth": row.date_of_birth,
        "postal_code": row.postal_code,
        "language": row.language,
    }


def _account_fields(row: AccountRow) -> dict:
    return {
        "currency": row.currency,
        "principal": row.principal,
        "interest": row.interest,
        "fees": row.fees,
        "original_creditor": row.original_creditor,
        "itemization_date": row.itemization_date,
        "timezone": row.timezone,
    }


def _find_person(row: AccountRow) -> Debtor | None:
    """The same person across creditors: every personal detail the same.

    Creditors that know one person differently keep separate records, so that re-importing
    either file never flips the other's details back and forth.
    """
    query = select(Debtor)
    for name, value in _person_fields(row).items():
        column = getattr(Debtor, name)
        query = query.where(column.is_(None) if value is None else column == value)
    return db.session.scalars(query.order_by(Debtor.id)).first()


def _apply(target, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def _update_person(account: Account, row: AccountRow) -> bool:
    """Bring the account's person up to date without changing anyone else's account."""
    debtor = account.debtor
    wanted = _person_fields(row)
    if all(getattr(debtor, name) == value for name, value in wanted.items()):
        return False
    if len(debtor.accounts) == 1:
        return _apply(debtor, wanted)
    account.debtor = _find_person(row) or Debtor(**wanted)
    return True


def _upsert(row: AccountRow) -> str:
    creditor = _creditor(row)
    account = db.session.scalar(
        select(Account).where(Account.creditor_id == creditor.id, Account.reference == row.reference)
    )
    if account is None:
        debtor = _find_person(row) or Debtor(full_name=row.full_name)
        _apply(debtor, _person_fields(row))
        db.session.add(debtor)
        account = Account(creditor=creditor, debtor=debtor, reference=row.reference, **_account_fields(row))
        db.session.add(account)
        db.session.flush()
        timeline.record(account, "account_imported", actor="collector")
        return "created"
    if account.payments and row.currency != account.currency:
        raise RowError("currency cannot change on an account that has payments")
    changed_person = _update_person(account, row)
    changed_account = _apply(account, _account_fields(row))
    if changed_person or changed_account:
        timeline.record(account, "account_updated", actor="collector")
        return "updated"
    return "unchanged"
