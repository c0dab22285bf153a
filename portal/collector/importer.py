"""Import accounts from CSV: upsert by creditor + reference; bad rows are reported, good ones kept.

Every row is checked before it reaches the database, and each row commits or fails alone. What an
import may change on an account with payments, a plan or a dispute is decided by
portal/domain/reimport.py; the report lists what was changed, flagged, cleaned and refused, by
line and column name, never by value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import timeline
from portal.accounts import policies
from portal.collector.csv_rows import AccountRow, RowError, missing_columns, parse_row
from portal.collector.file_text import ImportFileError
from portal.collector.standing import standing_of
from portal.domain.reimport import Incoming, Refused, review_reason
from portal.extensions import db
from portal.models import Account, Creditor, Debtor

__all__ = ["Accepted", "ImportFileError", "ImportReport", "import_accounts"]
AMOUNT_COLUMNS = ("currency", "principal", "interest", "fees")


@dataclass(frozen=True)
class Change:
    line: int
    account: str  # "creditor/reference", the handle the other collector commands take
    columns: tuple[str, ...]
    review: str | None = None


@dataclass(frozen=True)
class Accepted:
    """A row that was imported: "created", "updated" or "unchanged"."""

    line: int
    outcome: str
    account: str  # "creditor/reference"
    account_id: int


@dataclass(frozen=True)
class _Importer:
    """Who imports (the timeline's actor, and their address for a staff member) and, for a
    person limited to one creditor, the only creditor rows may name."""

    actor: str = "collector"
    by: str | None = None
    only_creditor: str | None = None

    @property
    def event_data(self) -> dict:
        return {"by": self.by} if self.by else {}


# Who runs the import in progress, read where each row is written. A context variable rather
# than one more argument down every row function, so those keep their (row, line) shape.
_importer: ContextVar[_Importer | None] = ContextVar("importer", default=None)
_COMMAND = _Importer()


def _current() -> _Importer:
    return _importer.get() or _COMMAND


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    cleaned: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)

    @property
    def flagged(self) -> list[Change]:
        return [change for change in self.changes if change.review]

    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}"
        )
        if self.refused:
            text += f", refused {len(self.refused)}"
        if self.flagged:
            text += f", flagged for review {len(self.flagged)}"
        return text


def import_accounts(
    stream: TextIO, *, actor: str = "collector", by: str | None = None, only_creditor: str | None = None
) -> ImportReport:
    """Read the CSV and upsert every good row; each row commits or fails alone.

    *actor* (and *by*, the person's address) go on each account's timeline; with *only_creditor*
    (a slug) a row naming any other creditor is rejected."""
    importing = _importer.set(_Importer(actor, by, only_creditor))
    try:
        return _read(stream)
    finally:
        _importer.reset(importing)


def _read(stream: TextIO) -> ImportReport:
    reader = csv.reader(stream)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error:
        raise ImportFileError("the header row cannot be read as CSV") from None
    if not header:
        raise ImportFileError("the file is empty: expected a header row")
    missing = missing_columns(header)
    if missing:
        raise ImportFileError("the header row lacks columns: " + ", ".join(missing))
    report = ImportReport()
    seen: dict[tuple[str, str], int] = {}
    for line, values in records(reader):
        if values is None:
            report.rejected.append((line, "the line cannot be read as CSV"))
        elif values:  # a blank line is no row
            # Values beyond the header's columns are not ours to read; missing ones are empty.
            _import_row(report, dict(zip(header, values, strict=False)), line, seen)
    return report


def records(reader) -> Iterator[tuple[int, list[str] | None]]:
    """(line, values) for each record after the header; values is None for one csv cannot read.

    The line is where the record starts, which is what a person finds in the file (a quoted
    value may run over several lines)."""
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            values = None
        yield line, values


def _import_row(report: ImportReport, raw: dict, line: int, seen: dict) -> None:
    try:
        row = parse_row(raw)
    except RowError as error:
        report.rejected.append((line, str(error)))
        return
    only = _current().only_creditor
    if only is not None and row.creditor != only:
        report.rejected.append((line, "creditor is not the creditor this import is for"))
        return
    key = (row.creditor, row.reference)
    if key in seen:
        report.rejected.append(
            (line, f"the reference appears twice for this creditor (first on line {seen[key]})")
        )
        return
    seen[key] = line
    if row.cleaned:
        report.cleaned.append((line, row.cleaned))
    try:
        outcome, change, account = _upsert(row, line)
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        report.refused.append((line, str(error)))
        return
    except SQLAlchemyError as error:
        # A safety net: the checks above should leave nothing for the database to refuse. The
        # error's text holds the row's values, so only its kind is reported.
        db.session.rollback()
        report.rejected.append((line, f"the database refused the row ({type(error).__name__})"))
        return
    setattr(report, outcome, getattr(report, outcome) + 1)
    report.accepted.append(Accepted(line, outcome, f"{row.creditor}/{row.reference}", account.id))
    if change is not None:
        report.changes.append(change)


def _creditor(row: AccountRow) -> Creditor:
    creditor = db.session.scalar(select(Creditor).where(Creditor.slug == row.creditor))
    if creditor is None:
        creditor = Creditor(
            slug=row.creditor, name=row.creditor_name or row.creditor.replace("-", " ").title()
        )
        db.session.add(creditor)
        db.session.flush()
        # Version 1 is written with the creditor, so no page ever has to write it on first read.
        policies.in_force(creditor)
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


def _differences(target, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(target, name) != value]


def _update_person(account: Account, row: AccountRow) -> None:
    """Bring the account's person up to date without changing anyone else's account."""
    debtor = account.debtor
    wanted = _person_fields(row)
    if not _differences(debtor, wanted):
        return
    if len(debtor.accounts) == 1:
        _apply(debtor, wanted)
    else:
        account.debtor = _find_person(row) or Debtor(**wanted)


def _upsert(row: AccountRow, line: int) -> tuple[str, Change | None, Account]:
    importer = _current()
    creditor = _creditor(row)
    account = db.session.scalar(
        select(Account)
        .where(Account.creditor_id == creditor.id, Account.reference == row.reference)
        .with_for_update()
    )
    if account is None:
        debtor = _find_person(row) or Debtor(full_name=row.full_name)
        _apply(debtor, _person_fields(row))
        db.session.add(debtor)
        account = Account(creditor=creditor, debtor=debtor, reference=row.reference, **_account_fields(row))
        db.session.add(account)
        db.session.flush()
        timeline.record(account, "account_imported", actor=importer.actor, **importer.event_data)
        return "created", None, account
    changed = _differences(account.debtor, _person_fields(row)) + _differences(account, _account_fields(row))
    standing = standing_of(account)
    reason = review_reason(
        standing,
        Incoming(
            currency=row.currency,
            total=row.total,
            amounts_changed=any(name in AMOUNT_COLUMNS for name in changed),
            anything_changed=bool(changed),
        ),
    )
    if not changed:
        return "unchanged", None, account
    _update_person(account, row)
    _apply(account, _account_fields(row))
    details = {"changed": sorted(changed)}
    if row.total != standing.total:
        details |= {"total_before": standing.total, "total_after": row.total}
    if reason:
        account.needs_review = True
        account.review_reason = reason
        details["needs_review"] = reason
    timeline.record(account, "account_updated", actor=importer.actor, **details, **importer.event_data)
    label = f"{creditor.slug}/{account.reference}"
    return "updated", Change(line, label, tuple(sorted(changed)), reason), account
