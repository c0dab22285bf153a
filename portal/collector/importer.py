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
        return (f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
                f"rejected {len(self.rejected)}")


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
        creditor = Creditor(slug=row.creditor, name=row.creditor_name or row.creditor.replace("-", " ").title())
        db.session.add(creditor)
        db.session.flush()
    elif row.creditor_name and creditor.name != row.creditor_name:
        creditor.name = row.creditor_name
    return creditor


def _person_fields(row: AccountRow) -> dict:
    return {
        "full_name": row.full_name, "email": row.email, "phone": row.phone,
        "date_of_birth": row.date_of_birth, "postal_code": row.postal_code, "language": row.language,
    }


def _account_fields(row: AccountRow) -> dict:
    return {
        "currency": row.currency, "principal": row.principal, "interest": row.interest,
        "fees": row.fees, "original_creditor": row.original_creditor,
        "itemization_date": row.itemization_date, "timezone": row.timezone,
    }


def _find_person(row: AccountRow) -> Debtor | None:
    """The same person across creditors: same name and same date of birth or email."""
    query = select(Debtor).where(Debtor.full_name == row.full_name)
    if row.date_of_birth:
        query = query.where(Debtor.date_of_birth == row.date_of_birth)
    elif row.email:
        query = query.where(Debtor.email == row.email)
    else:
        return None
    return db.session.scalars(query).first()


def _apply(target, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


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
    changed_person = _apply(account.debtor, _person_fields(row))
    changed_account = _apply(account, _account_fields(row))
    if changed_person or changed_account:
        timeline.record(account, "account_updated", actor="collector")
        return "updated"
    return "unchanged"
