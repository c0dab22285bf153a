"""Two imports of overlapping files at once: each account is made once, with one account_imported
event, and no timeline forks. On PostgreSQL the set-based path takes an advisory lock for the
writing part; on SQLite each batch starts holding the write lock."""

from __future__ import annotations

import csv
import io
import threading

from sqlalchemy import func, select

from portal import timeline
from portal.collector.importer import import_accounts
from portal.extensions import db
from portal.models import Account, Event
from tests.collector.conftest import COLUMNS, account_row


def _csv(numbers: range) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(
        account_row(reference=f"R-{n}", full_name=f"Person {n % 40}", email=f"p{n % 40}@example.com")
        for n in numbers
    )
    return out.getvalue()


def test_two_imports_of_overlapping_files_at_once_create_each_account_once(app):
    files = [_csv(range(0, 400)), _csv(range(200, 600))]
    start = threading.Barrier(2)
    reports: list = [None, None]
    errors: list = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                reports[index] = import_accounts(io.StringIO(files[index]))
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (reported below, with the other thread's outcome)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert sum(report.created for report in reports) == 600
    assert sum(report.unchanged for report in reports) == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Account)) == 600
    per_account = db.session.execute(
        select(Event.account_id, func.count())
        .where(Event.kind == "account_imported")
        .group_by(Event.account_id)
    ).all()
    assert len(per_account) == 600 and {count for _, count in per_account} == {1}
    assert [checked for checked in timeline.verify() if checked.breaks] == []
