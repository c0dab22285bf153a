"""Benchmark: importing a creditor's nightly file of accounts, against a bare COPY of the same file.

    python -m bench.import_accounts [--rows 1000000] [--database postgresql://user@host:port]

It writes N realistic rows (several creditors, varied names, emails, phones, birth dates, amounts
in three currencies) to a temporary CSV file, makes a fresh database (PostgreSQL when --database
names a server, else a SQLite file) and migrates it, then measures:

* a bare COPY of the file into an empty table of text columns (PostgreSQL; the baseline: no
  checks, no people matched, no timeline);
* the real import (`import_accounts`, as `flask import-accounts` runs it), in a child process,
  whose peak resident memory is read from its own ru_maxrss;
* the same file imported a second time (every row unchanged), also in a child process.

The ratio import / COPY is the figure to compare between runs (target: at most 3).
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cli  # noqa: E402 - after the checkout is importable
from bench.campaign import _database  # noqa: E402  (the same fresh database as the other bench)

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
CREDITORS = [
    ("acme-bank", "Acme Bank", "USD", "America/New_York"),
    ("globex-card", "Globex Card Services", "USD", "America/Chicago"),
    ("initech-loans", "Initech Loans", "USD", "America/Los_Angeles"),
    ("umbrella-energy", "Umbrella Energy", "EUR", "Europe/Dublin"),
    ("stark-telecom", "Stark Telecom", "GBP", "Europe/London"),
    ("wayne-health", "Wayne Health", "USD", "America/Denver"),
]
FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth José María Chloé Zoë Nguyễn Wei"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones García Miller Davis Rodríguez Martínez Hernández López O'Brien Núñez"
).split()
STORES = ["", "", "Springfield Store Card", "Old Mill Credit Union", "Shelbyville Motors"]
LANGUAGES = ["", "", "", "en", "es", "vi", "zh-TW"]


def write_rows(path: Path, count: int, seed: int = 14) -> None:
    """*count* rows a collection system might send: good rows, every creditor, varied people."""
    rng = random.Random(seed)  # noqa: S311 - the same file every run, not a secret
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            slug, name, currency, zone = CREDITORS[n % len(CREDITORS)]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            principal = rng.randint(2_000, 2_500_000)
            writer.writerow(
                [
                    f"{slug[:3].upper()}-{n:08d}",
                    slug,
                    name,
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}{n}@example.com".replace("'", ""),
                    f"+1 217 555 {n % 10_000:04d}" if n % 5 else "",
                    f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    f"{rng.randint(10_000, 99_999)}",
                    currency,
                    f"{principal // 100}.{principal % 100:02d}",
                    f"{rng.randint(0, 20_000) / 100:.2f}" if n % 3 else "",
                    f"{rng.randint(0, 5_000) / 100:.2f}" if n % 4 else "0",
                    rng.choice(LANGUAGES),
                    zone if n % 7 == 0 else "",
                    rng.choice(STORES),
                    f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    if n % 2
                    else "",
                ]
            )


def bare_copy_seconds(server_url: str, path: Path) -> float:
    """A plain COPY of the file into an empty table of text columns, in its own transaction."""
    import psycopg

    columns = ", ".join(f"{name} text" for name in COLUMNS)
    with psycopg.connect(server_url) as conn:
        conn.execute(f"CREATE TABLE bench_bare_copy ({columns})")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, path.open("rb") as handle:
            with cursor.copy("COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        conn.commit()
        elapsed = time.perf_counter() - started
        (copied,) = conn.execute("SELECT count(*) FROM bench_bare_copy").fetchone()
        conn.execute("DROP TABLE bench_bare_copy")
        conn.commit()
    if copied != sum(1 for _ in path.open(encoding="utf-8")) - 1:
        raise SystemExit("the bare COPY did not load every row: the benchmark is wrong")
    return elapsed


def _import_in_child(url: str, path: str, results) -> None:
    """Import the file as the command does, and report the counts, seconds and peak memory."""
    os.environ.update({"PORTAL_ENV": "development", "DATABASE_URL": url})
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.collector.file_text import open_text
    from portal.collector.importer import import_accounts
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        started = time.perf_counter()
        with open(path, "rb") as binary, open(os.devnull, "w", newline="") as report_to:
            report = import_accounts(open_text(binary), report_to=report_to)
        elapsed = time.perf_counter() - started
        db.session.remove()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((report.created, report.updated, report.unchanged, report.rejected_count, elapsed, peak))


def import_seconds(url: str, path: Path) -> tuple:
    """(created, updated, unchanged, rejected, seconds, peak MB) of one import in a fresh process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_import_in_child, args=(url, str(path), results))
    child.start()
    outcome = results.get(timeout=3600)
    child.join()
    return outcome


def run(rows: int, server: str | None) -> dict:
    url, drop = _database(server)
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-import-"))
    path = folder / "accounts.csv"
    figures: dict = {"database": "PostgreSQL" if server else "SQLite", "rows": rows}
    try:
        started = time.perf_counter()
        write_rows(path, rows)
        figures["file MB"] = round(path.stat().st_size / 2**20, 1)
        figures["file written in s"] = round(time.perf_counter() - started, 1)
        os.environ.update({"PORTAL_ENV": "development", "DATABASE_URL": url})
        from flask_migrate import upgrade

        from portal import create_app

        with create_app().app_context():
            upgrade()
        copy_seconds = bare_copy_seconds(url.replace("+psycopg", ""), path) if server else 0.0
        if server:
            figures["bare COPY s"] = round(copy_seconds, 3)
        created, updated, unchanged, rejected, elapsed, peak = import_seconds(url, path)
        figures |= {"created": created, "updated": updated, "unchanged": unchanged, "rejected": rejected}
        figures["import s"] = round(elapsed, 2)
        if server:
            figures["import / bare COPY"] = round(elapsed / copy_seconds, 2)
        figures["import peak RSS MB"] = round(peak)
        created, updated, unchanged, rejected, elapsed, peak = import_seconds(url, path)
        figures["second run unchanged"] = unchanged
        figures["second run created + updated + rejected"] = created + updated + rejected
        figures["second run s"] = round(elapsed, 2)
        if server:
            figures["second run / bare COPY"] = round(elapsed / copy_seconds, 2)
        figures["second run peak RSS MB"] = round(peak)
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
        drop()
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = cli.parser(__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args(argv)
    figures = run(options.rows, options.database)
    cli.print_figures(figures)
    return figures


if __name__ == "__main__":
    main()
