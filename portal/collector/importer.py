"""Import accounts from CSV: upsert by creditor + reference; bad rows are reported, good ones kept.

The file is read as a stream, record by record (csv_records.py bounds each one), and every row
is checked in Python before it reaches the database (csv_rows.py). On PostgreSQL the checked
rows are copied into a staging table and applied in set-based SQL (bulk_postgres.py); elsewhere
they are applied one by one, a savepoint each, committed in batches. What an import may change
on an account with payments, a plan or a dispute is decided by portal/domain/reimport.py; such
rows always take the one-by-one path below. The report counts every outcome and writes each
note (by line and column name, never by value) to a report file as it happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TextIO

from psycopg import DatabaseError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal import timeline
from portal.accounts import policies
from portal.collector.csv_records import Records
from portal.collector.csv_rows import AccountRow, RowError, missing_columns, parse_clean_row
from portal.collector.file_text import ImportFileError
from portal.collector.import_report import KEEP, Accepted, Change, ImportReport, ReportWriter
from portal.collector.standing import standing_of
from portal.domain.reimport import Incoming, Refused, review_reason
from portal.extensions import db
from portal.models import Account, Creditor, Debtor

__all__ = ["Accepted", "ImportFileError", "ImportReport", "import_accounts"]
AMOUNT_COLUMNS = ("currency", "principal", "interest", "fees")
#: Rows applied between commits on the one-by-one path.
BATCH = 500
#: Records read between calls of the caller's progress function.
PROGRESS_EVERY = 2000
DUPLICATE = "the reference appears twice for this creditor (first on line {first})"


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


def import_accounts(
    stream: TextIO,
    *,
    actor: str = "collector",
    by: str | None = None,
    only_creditor: str | None = None,
    report_to: TextIO | None = None,
    keep: int | None = KEEP,
    progress: Callable[[], None] | None = None,
) -> ImportReport:
    """Read the CSV and upsert every good row; a bad row is reported and the rest still import.

    *actor* (and *by*, the person's address) go on each account's timeline; with *only_creditor*
    (a slug) a row naming any other creditor is rejected. Every note is written to *report_to*
    (CSV) as it happens; the report returned keeps the first *keep* of each kind (None: all).
    *progress* is called now and then as the file is read."""
    started = time.perf_counter()
    with importing_as(actor, by, only_creditor):
        report = ImportReport(keep=keep, writer=ReportWriter(report_to) if report_to is not None else None)
        records = Records(stream)
        header = [name.strip().lower() for name in records.header()]
        missing = missing_columns(header)
        if missing:
            raise ImportFileError("the header row lacks columns: " + ", ".join(missing))
        rows = _checked(records, header, report, progress)
        if _set_based():
            from portal.collector import bulk_postgres

            try:
                bulk_postgres.load(rows, report)
            except (SQLAlchemyError, DatabaseError) as error:
                # The checks leave nothing for the database to refuse; if it does, the whole
                # transaction is gone. Its text holds values, so only its kind is said.
                db.session.rollback()
                raise ImportFileError(
                    f"the database refused the import ({type(error).__name__}); nothing was imported"
                ) from None
        else:
            _one_by_one(rows, report)
    report.seconds = time.perf_counter() - started
    return report


def _set_based() -> bool:
    """True on PostgreSQL: rows are staged with COPY and applied in set-based SQL."""
    return db.session.get_bind().dialect.name == "postgresql"


def _checked(
    records: Records, header: list[str], report: ImportReport, progress
) -> Iterator[tuple[int, AccountRow]]:
    """(line, row) for every row that passes the checks; the others are reported as they come."""
    only = _current().only_creditor
    for count, (line, values, reason) in enumerate(records, 1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress()
        if values is None:
            report.reject(line, reason)
        elif values:  # a blank line is no row
            # Values beyond the header's columns are not ours to read; missing ones are empty.
            raw = dict(zip(header, values, strict=False))
            try:
                row = parse_clean_row(raw)
            except RowError as error:
                report.reject(
                    line,
                    str(error),
                    (raw.get("creditor") or "").strip(),
                    (raw.get("reference") or "").strip(),
                )
                continue
            if only is not None and row.creditor != only:
                report.reject(
                    line, "creditor is not the creditor this import is for", row.creditor, row.reference
                )
                continue
            yield line, row
    if progress is not None:
        progress()


def _one_by_one(rows: Iterator[tuple[int, AccountRow]], report: ImportReport) -> None:
    """Apply each row in its own savepoint, committing every BATCH rows."""
    seen: dict[tuple[str, str], int] = {}
    pending = 0
    for line, row in rows:
        if pending == 0:
            _take_write_lock()
        key = (row.creditor, row.reference)
        if key in seen:
            report.reject(line, DUPLICATE.format(first=seen[key]), *key)
            continue
        seen[key] = line
        if row.cleaned:
            report.clean(line, row.cleaned, *key)
        apply_row(report, row, line)
        pending += 1
        if pending >= BATCH:
            db.session.commit()
            pending = 0
    db.session.commit()


def _take_write_lock() -> None:
    """On SQLite, begin the batch holding the write lock. A savepoint begins a transaction that
    reads first; a second import's would then fail at once on its first write ("database is
    locked") rather than wait its turn, as it does when its transaction starts as a writer."""
    connection = db.session.connection().connection.driver_connection
    if db.session.get_bind().dialect.name == "sqlite" and not connection.in_transaction:
        connection.execute("BEGIN IMMEDIATE")


def apply_row(report: ImportReport, row: AccountRow, line: int) -> None:
    """Upsert one checked row in a savepoint of the current transaction, and note the outcome."""
    try:
        with db.session.begin_nested():
            outcome, change, account = _upsert(row, line)
    except Refused as error:
        report.refuse(line, str(error), row.creditor, row.reference)
        return
    except SQLAlchemyError as error:
        # A safety net: the checks above should leave nothing for the database to refuse. The
        # error's text holds the row's values, so only its kind is reported.
        report.reject(
            line, f"the database refused the row ({type(error).__name__})", row.creditor, row.reference
        )
        return
    report.accept(Accepted(line, outcome, f"{row.creditor}/{row.reference}", account.id))
    if change is not None:
        report.change(change, row.creditor, row.reference)


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
        "description": row.description,
        "service_date": row.service_date,
        "original_account_number": row.original_account_number,
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


@contextmanager
def importing_as(actor: str, by: str | None = None, only_creditor: str | None = None) -> Iterator[None]:
    """Rows applied inside (apply_row) are written as *actor*, as import_accounts writes them:
    how the API applies the rows of one request in that request's transaction."""
    token = _importer.set(_Importer(actor, by, only_creditor))
    try:
        yield
    finally:
        _importer.reset(token)
