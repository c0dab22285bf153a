"""Applying an import's checked rows on PostgreSQL: COPY into a staging table, then set-based SQL.

The rows arrive checked (csv_rows.py) and are copied as they come into a temporary table; then,
in the same transaction and one import at a time (an advisory lock), SQL finds the file's
duplicate references, the creditors, the accounts each row names and what differs, and writes
new people, new accounts, changed accounts and their timeline events (portal/timeline.py,
`record_each`) in a handful of statements. A row that changes an account with payments, a plan,
a dispute, money forgiven or a closed status, or a person shared with another account, takes
the one-by-one path (importer.apply_row), so reimport.py's rule decides it exactly as before.
"""

# ruff: noqa: S608 - statements are built from this module's own column names; values are parameters

from __future__ import annotations

import itertools
from collections.abc import Iterator

from sqlalchemy import select

from portal import timeline
from portal.accounts import policies
from portal.collector.csv_rows import AccountRow
from portal.collector.import_report import Accepted, Change, ImportReport
from portal.collector.importer import DUPLICATE, _current, apply_row
from portal.domain.timeline_chain import canonical_json
from portal.extensions import db
from portal.models import Creditor
from portal.models.types import utcnow

#: pg_advisory_xact_lock key: two imports apply their rows one after the other, never interleaved.
IMPORT_LOCK = 0x696D706F7274  # "import"
#: The first key of the per-creditor advisory lock the API's account upserts take.
CREDITOR_LOCK_SPACE = 14
#: Memory each sort or hash of the set-based statements may use, for this transaction only.
WORK_MEM = "256MB"
PERSON = ("full_name", "email", "phone", "date_of_birth", "postal_code", "language")
ACCOUNT = (
    "currency",
    "principal",
    "interest",
    "fees",
    "original_creditor",
    "itemization_date",
    "timezone",
    "description",
    "service_date",
    "original_account_number",
)
STAGED = (
    ("line", "int"),
    ("creditor", "text"),
    ("creditor_name", "text"),
    ("reference", "text"),
    ("full_name", "text"),
    ("email", "text"),
    ("phone", "text"),
    ("date_of_birth", "date"),
    ("postal_code", "text"),
    ("language", "text"),
    ("currency", "text"),
    ("principal", "int"),
    ("interest", "int"),
    ("fees", "int"),
    ("original_creditor", "text"),
    ("itemization_date", "date"),
    ("timezone", "text"),
    ("description", "text"),
    ("service_date", "date"),
    ("original_account_number", "text"),
    ("cleaned", "text"),
)
_names = itertools.count()


def _staged(line: int, row: AccountRow) -> tuple:
    return (
        line,
        row.creditor,
        row.creditor_name,
        row.reference,
        row.full_name,
        row.email,
        row.phone,
        row.date_of_birth,
        row.postal_code,
        row.language,
        row.currency,
        row.principal,
        row.interest,
        row.fees,
        row.original_creditor,
        row.itemization_date,
        row.timezone,
        row.description,
        row.service_date,
        row.original_account_number,
        ",".join(row.cleaned) if row.cleaned else None,
    )


def _raw():
    return db.session.connection().connection.driver_connection


def _run(sql: str, params: dict | None = None):
    return db.session.connection().exec_driver_sql(sql, params or {})


def _stream(sql: str, params: dict | None = None) -> Iterator[tuple]:
    """The rows of *sql* through a server-side cursor: a page at a time, however many there are."""
    with _raw().cursor(name=f"import_notes_{next(_names)}") as cursor:
        cursor.itersize = 5000
        cursor.execute(sql, params or {})
        yield from cursor


def load(rows: Iterator[tuple[int, AccountRow]], report: ImportReport) -> None:
    """Stage the checked rows with COPY, then apply them; commits once, at the end."""
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGED)
    # The joins below hash a million rows each; with the default 4 MB they sort on disk instead.
    _run(f"SET LOCAL work_mem = '{WORK_MEM}'")
    _run(f"CREATE TEMP TABLE import_rows ({columns}) ON COMMIT DROP")
    names = ", ".join(name for name, _kind in STAGED)
    with _raw().cursor() as cursor, cursor.copy(f"COPY import_rows ({names}) FROM STDIN") as copy:
        for line, row in rows:
            copy.write_row(_staged(line, row))  # psycopg's C row writer: escaping, NULLs, dates
    _run("SELECT pg_advisory_xact_lock(%(key)s)", {"key": IMPORT_LOCK})
    _duplicates(report)
    _creditors()
    # And the lock the API's upserts take for each creditor (portal/api/account_writes.py), so
    # an API request and an import never create the same reference at once.
    _run(
        "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(%(space)s, id) FROM (SELECT id FROM creditors "
        "WHERE slug IN (SELECT DISTINCT creditor FROM import_rows) ORDER BY id) named) locked",
        {"space": CREDITOR_LOCK_SPACE},
    )
    _plan()
    _one_by_one(report)
    now = utcnow()
    _changed(report, now)
    _created(report, now)
    _accepted(report)
    db.session.commit()
    report.rejected.sort()  # those found in SQL (duplicates) join the ones found while reading


def _duplicates(report: ImportReport) -> None:
    """A reference twice for one creditor: the later lines are rejected, naming the first."""
    _run(
        "CREATE TEMP TABLE import_duplicates ON COMMIT DROP AS "
        "SELECT s.line, s.creditor, s.reference, f.first FROM import_rows s JOIN ("
        "  SELECT creditor, reference, min(line) AS first FROM import_rows GROUP BY creditor, reference"
        "  HAVING count(*) > 1) f USING (creditor, reference) WHERE s.line > f.first"
    )
    for line, creditor, reference, first in _stream("SELECT * FROM import_duplicates ORDER BY line"):
        report.reject(line, DUPLICATE.format(first=first), creditor, reference)
    for line, creditor, reference, cleaned in _stream(
        "SELECT line, creditor, reference, cleaned FROM import_rows WHERE cleaned IS NOT NULL "
        "AND line NOT IN (SELECT line FROM import_duplicates) ORDER BY line"
    ):
        report.clean(line, tuple(cleaned.split(",")), creditor, reference)


def _creditors() -> None:
    """Each creditor the file names, made if new (with version 1 of its policy), renamed if the
    file's last name for it differs; a handful of rows, through the models."""
    named = _run(
        "SELECT creditor, (array_agg(creditor_name ORDER BY line DESC) "
        "FILTER (WHERE creditor_name IS NOT NULL))[1] FROM import_rows "
        "WHERE line NOT IN (SELECT line FROM import_duplicates) GROUP BY creditor"
    ).all()
    for slug, name in named:
        creditor = db.session.scalar(select(Creditor).where(Creditor.slug == slug))
        if creditor is None:
            creditor = Creditor(slug=slug, name=name or slug.replace("-", " ").title())
            db.session.add(creditor)
            db.session.flush()
            policies.in_force(creditor)
        elif name and creditor.name != name:
            creditor.name = name
    db.session.flush()


def _differs(table: str, name: str) -> str:
    return f"CASE WHEN {table}.{name} IS DISTINCT FROM s.{name} THEN '{name}' END"


def _plan() -> None:
    """What each row does: a new account (its id drawn now), nothing, or a change (the columns
    that differ, sorted, as the event lists them); and which rows go one by one."""
    compared = sorted([*PERSON, *ACCOUNT])
    differs = ", ".join(_differs("d" if name in PERSON else "a", name) for name in compared)
    _run(
        "CREATE TEMP TABLE import_plan ON COMMIT DROP AS "
        "SELECT s.*, c.id AS creditor_id, a.id AS existing_id, a.debtor_id, "
        "  coalesce(a.id, nextval(pg_get_serial_sequence('accounts', 'id'))) AS account_id, "
        f"  CASE WHEN a.id IS NULL THEN NULL ELSE array_remove(ARRAY[{differs}], NULL) END AS changed, "
        "  a.principal + a.interest + a.fees AS total_before, false AS one_by_one, "
        f"  CASE WHEN a.id IS NULL THEN {_person('s')} END AS person "
        "FROM import_rows s JOIN creditors c ON c.slug = s.creditor "
        "LEFT JOIN accounts a ON a.creditor_id = c.id AND a.reference = s.reference "
        "LEFT JOIN debtors d ON d.id = a.debtor_id "
        "WHERE s.line NOT IN (SELECT line FROM import_duplicates)"
    )
    # reimport.py decides any change to an account with a history: those rows go one by one.
    _run(
        "UPDATE import_plan p SET one_by_one = true FROM accounts a "
        "WHERE a.id = p.existing_id AND cardinality(p.changed) > 0 AND ("
        "  a.status <> 'open' OR a.forgiven <> 0"
        "  OR EXISTS (SELECT 1 FROM payments x WHERE x.account_id = a.id)"
        "  OR EXISTS (SELECT 1 FROM plans x WHERE x.active_account_id = a.id)"
        "  OR EXISTS (SELECT 1 FROM payment_attempts x WHERE x.live_account_id = a.id)"
        "  OR EXISTS (SELECT 1 FROM disputes x WHERE x.account_id = a.id))"
    )
    # A person known on other accounts too is not edited in place: the one-by-one path decides.
    _run(
        "UPDATE import_plan p SET one_by_one = true "
        "WHERE cardinality(p.changed) > 0 AND NOT p.one_by_one AND p.changed && %(person)s::text[] "
        "AND p.debtor_id IN (SELECT o.debtor_id FROM accounts o WHERE o.debtor_id IN ("
        "  SELECT debtor_id FROM import_plan "
        "  WHERE cardinality(changed) > 0 AND changed && %(person)s::text[])"
        "  GROUP BY o.debtor_id HAVING count(*) > 1)",
        {"person": list(PERSON)},
    )


def _one_by_one(report: ImportReport) -> None:
    fields = [name for name in AccountRow._fields if name != "cleaned"]
    for line, *values in _stream(
        f"SELECT line, {', '.join(fields)} FROM import_plan WHERE one_by_one ORDER BY line"
    ):
        apply_row(report, AccountRow(*values), line)


_CHANGED = "cardinality(p.changed) > 0 AND NOT p.one_by_one"


def _changed(report: ImportReport, now) -> None:
    """Changed accounts without a history: people and accounts updated, account_updated appended."""
    count = _run(
        "SELECT count(*) FROM (SELECT a.id FROM accounts a JOIN import_plan p ON p.existing_id = a.id "
        f"WHERE {_CHANGED} ORDER BY a.id FOR UPDATE OF a) locked"
    ).scalar()
    if not count:
        return
    person = ", ".join(f"{name} = p.{name}" for name in PERSON)
    _run(
        f"UPDATE debtors d SET {person} FROM import_plan p "
        f"WHERE d.id = p.debtor_id AND {_CHANGED} AND p.changed && %(person)s::text[]",
        {"person": list(PERSON)},
    )
    account = ", ".join(f"{name} = p.{name}" for name in ACCOUNT)
    _run(
        f"UPDATE accounts a SET {account}, updated_at = %(now)s FROM import_plan p "
        f"WHERE a.id = p.existing_id AND {_CHANGED} AND p.changed && %(account)s::text[]",
        {"now": now, "account": list(ACCOUNT)},
    )
    by = _current().event_data
    opening = canonical_json(by)[:-1] + "," if by else "{"
    timeline.record_each(
        "SELECT p.existing_id AS account_id, "
        "%(opening)s || '\"changed\":[\"' || array_to_string(p.changed, '\",\"') || '\"]' || CASE "
        "WHEN p.principal + p.interest + p.fees <> p.total_before THEN ',\"total_after\":' "
        "|| (p.principal + p.interest + p.fees) || ',\"total_before\":' || p.total_before ELSE '' END "
        f"|| '}}' AS data FROM import_plan p WHERE {_CHANGED}",
        {"opening": opening},
        "account_updated",
        _current().actor,
        locked=True,
    )
    report.updated += count
    for line, creditor, reference, changed in _stream(
        f"SELECT line, creditor, reference, changed FROM import_plan p WHERE {_CHANGED} ORDER BY line"
    ):
        report.change(Change(line, f"{creditor}/{reference}", tuple(changed)), creditor, reference)


def _prefixed(table: str, names) -> str:
    return ", ".join(f"{table}.{name}" for name in names)


def _person(table: str) -> str:
    """Every personal detail as one text: a row's text form quotes and escapes each value, and
    writes NULL apart from "", so two are equal exactly when every detail is (NULL matching
    NULL); one text column is what PostgreSQL hash-joins fastest."""
    return f"ROW({', '.join(f'{table}.{name}' for name in PERSON)})::text"


def _created(report: ImportReport, now) -> None:
    """New accounts: each person found (the lowest id with every detail the same) or made once,
    the accounts inserted with the ids drawn in the plan, account_imported appended to each."""
    fields = ", ".join(PERSON)
    _run(
        "CREATE TEMP TABLE import_people ON COMMIT DROP AS "
        f"SELECT w.*, coalesce(d.id, nextval(pg_get_serial_sequence('debtors', 'id'))) AS debtor_id, "
        "  d.id IS NULL AS is_new "
        f"FROM (SELECT DISTINCT person, {fields} FROM import_plan WHERE existing_id IS NULL) w "
        f"LEFT JOIN (SELECT {_person('debtors')} AS person, min(id) AS id FROM debtors "
        f"  WHERE {_person('debtors')} IN (SELECT person FROM import_plan WHERE existing_id IS NULL) "
        "  GROUP BY 1) d USING (person)"
    )
    _run(
        f"INSERT INTO debtors (id, {fields}, created_at) "
        f"SELECT debtor_id, {fields}, %(now)s FROM import_people WHERE is_new",
        {"now": now},
    )
    account = ", ".join(ACCOUNT)
    created = _run(
        f"INSERT INTO accounts (id, creditor_id, debtor_id, reference, {account}, forgiven, on_hold, "
        "  needs_review, status, created_at, updated_at) "
        f"SELECT p.account_id, p.creditor_id, ip.debtor_id, p.reference, {_prefixed('p', ACCOUNT)}, "
        "  0, false, false, 'open', %(now)s, %(now)s "
        "FROM import_plan p JOIN import_people ip USING (person) "
        "WHERE p.existing_id IS NULL",
        {"now": now},
    ).rowcount
    if not created:
        return
    timeline.record_each(
        "SELECT account_id, %(data)s::text AS data FROM import_plan WHERE existing_id IS NULL",
        {"data": canonical_json(_current().event_data)},
        "account_imported",
        _current().actor,
        locked=True,
        first=True,
    )
    report.created += created


def _accepted(report: ImportReport) -> None:
    """The unchanged count, and the first accepted rows by line (every one when keep is None)."""
    report.unchanged += _run("SELECT count(*) FROM import_plan WHERE cardinality(changed) = 0").scalar()
    limit = "" if report.keep is None else f" LIMIT {int(report.keep)}"
    rows = _stream(
        "SELECT line, CASE WHEN existing_id IS NULL THEN 'created' WHEN cardinality(changed) = 0 "
        "THEN 'unchanged' ELSE 'updated' END, creditor || '/' || reference, account_id "
        f"FROM import_plan WHERE NOT one_by_one ORDER BY line{limit}"
    )
    merged = sorted([*report.accepted, *(Accepted(*row) for row in rows)], key=lambda row: row.line)
    report.accepted[:] = merged if report.keep is None else merged[: report.keep]
    db.session.expire_all()  # the models loaded on the way know nothing of the set-based writes
