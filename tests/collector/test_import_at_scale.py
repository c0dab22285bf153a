"""The import as a stream: hostile files refused quickly in bounded memory, every note in a
formula-safe report file, a progress bar and a timed summary, and on PostgreSQL the set-based
path giving the same accounts, events and unbroken timelines as the one-by-one path."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc

import click._termui_impl
import pytest
from sqlalchemy import func, select

from portal import timeline
from portal.collector import commands
from portal.collector.csv_records import MAX_COLUMNS, MAX_RECORD_CHARS
from portal.collector.file_text import ImportFileError
from portal.collector.import_report import KEEP, safe_cell
from portal.collector.importer import import_accounts
from portal.extensions import db
from portal.models import Account, Event, Payment
from tests.collector.conftest import COLUMNS, account_row, untimed


def _csv(rows: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _references() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Account.reference)))


def _peak_bytes(call) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _report_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- Hostile files ----------------------------------------------------------------------------


def test_a_header_of_a_million_columns_is_refused_quickly_in_bounded_memory(app):
    header = ",".join(COLUMNS) + "," * 1_000_000
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match=f"more than {MAX_COLUMNS} values"):
        import_accounts(io.StringIO(header + "\n"))
    assert time.perf_counter() - started < 5
    assert _references() == []


def test_a_header_longer_than_a_record_may_be_is_refused(app):
    header = ",".join(COLUMNS) + ",x" * 1_000_000  # 2 MB of column names
    with pytest.raises(ImportFileError, match="the header row cannot be read: the line is longer"):
        import_accounts(io.StringIO(header + "\n"))


def test_a_row_of_a_million_values_is_rejected_by_line_and_the_rest_imports(app):
    text = _csv([account_row(reference="A-1")]) + "A-2" + ",x" * 1_000_000 + "\n"
    text += _csv([account_row(reference="A-3")]).split("\n", 1)[1]
    stream = io.StringIO(text)
    report, peak = _peak_bytes(lambda: import_accounts(stream))
    assert report.rejected == [(3, f"the line is longer than {MAX_RECORD_CHARS} characters")]
    assert report.created == 2 and _references() == ["A-1", "A-3"]
    assert peak < 40 * 2**20


def test_a_row_of_too_many_empty_values_is_rejected(app):
    text = _csv([account_row(reference="A-1")]) + "A-2" + "," * (MAX_COLUMNS + 5) + "\n"
    report = import_accounts(io.StringIO(text))
    assert report.rejected == [(3, f"the line has more than {MAX_COLUMNS} values")]
    assert _references() == ["A-1"]


def test_a_huge_field_without_an_end_is_dropped_as_it_is_read(app):
    """50 MB in one quoted field that never closes: memory stays near one record's limit."""
    huge = 'A-2,acme,,"' + "Z" * 50_000_000
    text = _csv([account_row(reference="A-1")]) + huge
    stream = io.StringIO(text)
    report, peak = _peak_bytes(lambda: import_accounts(stream))
    assert report.created == 1
    ((line, reason),) = report.rejected
    assert line == 3 and "longer than" in reason
    # The StringIO holds the 50 MB; what the import itself allocated stays far below it.
    assert peak < 20 * 2**20


def test_a_file_bad_far_into_it_imports_nothing_and_names_the_line(runner, tmp_path):
    rows = [account_row(reference=f"A-{n}") for n in range(3000)]
    data = _csv(rows).encode("utf-8")
    data += _csv([account_row(reference="LAST", full_name="Jos\xe9")]).split("\n", 1)[1].encode("latin-1")
    path = tmp_path / "accounts.csv"
    path.write_bytes(data)

    result = runner.invoke(args=["import-accounts", str(path)])

    assert result.exit_code == 1
    assert "the file is not UTF-8 text (line 3002)" in result.stderr
    assert _references() == []


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(runner, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv([account_row(reference="A-1")]).encode())
    result = runner.invoke(args=["import-accounts", str(path)])
    assert result.exit_code == 0, result.output
    assert _references() == ["A-1"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_kept_as_text(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("A-1") == "A-1"


def test_the_report_file_lists_every_note_by_line_and_neutralises_formulas(runner, write_csv, tmp_path):
    runner.invoke(args=["import-accounts", write_csv([account_row(reference="OLD-1")])])
    formula = '=HYPERLINK("http://evil.example","click")'
    path = write_csv(
        [
            account_row(reference=formula, principal="abc"),
            account_row(reference="OLD-1", principal="2000.00"),
            account_row(reference="NEW-1", full_name="Ann\tLee", creditor="@SUM(1)"),
            account_row(reference="NEW-2", full_name="Ann\tLee"),
            account_row(reference="NEW-2"),
        ]
    )
    report_path = tmp_path / "report.csv"

    result = runner.invoke(args=["import-accounts", path, "--report", str(report_path)])

    assert result.exit_code == 0, result.output
    rows = _report_rows(report_path)
    assert [(row["line"], row["outcome"]) for row in sorted(rows, key=lambda r: int(r["line"]))] == [
        ("2", "rejected"),
        ("3", "updated"),
        ("4", "rejected"),
        ("5", "cleaned"),
        ("6", "rejected"),
    ]
    by_line = {row["line"]: row for row in rows}
    assert by_line["2"]["reference"] == "'" + formula and by_line["2"]["detail"].startswith(
        "principal is not"
    )
    assert by_line["3"]["detail"] == "principal" and by_line["3"]["reference"] == "OLD-1"
    assert by_line["4"]["creditor"] == "'@SUM(1)"
    assert by_line["5"]["detail"] == "full_name"
    assert by_line["6"]["detail"] == "the reference appears twice for this creditor (first on line 5)"
    assert "Ann" not in report_path.read_text()  # lines, columns, creditor and reference only


def test_past_the_first_notes_the_terminal_points_to_the_report(runner, write_csv, tmp_path):
    bad = [account_row(reference=f"BAD-{n}", principal="abc") for n in range(KEEP + 20)]
    report_path = tmp_path / "report.csv"

    result = runner.invoke(args=["import-accounts", write_csv(bad), "--report", str(report_path)])

    lines = result.stderr.strip().splitlines()
    assert len(lines) == KEEP + 1
    assert lines[-1] == f"... and 20 more rows not imported: see them all in {report_path}"
    assert untimed(result.stdout) == f"created 0, updated 0, unchanged 0, rejected {KEEP + 20}"
    assert len(_report_rows(report_path)) == KEEP + 20


def test_the_summary_ends_with_the_seconds_and_a_terminal_gets_a_progress_bar(runner, write_csv, monkeypatch):
    monkeypatch.setattr(commands, "_on_terminal", lambda: True)
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)  # the runner's stderr
    path = write_csv([account_row(reference=f"A-{n}") for n in range(30)])
    result = runner.invoke(args=["import-accounts", path])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.stderr and "100%" in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("created 30, updated 0, unchanged 0, rejected 0 in ")
    assert summary.endswith(" seconds")


# --- Memory and the set-based path ---------------------------------------------------------------


def _rows(count: int, start: int = 0, **overrides) -> list[dict]:
    """Rows over three creditors; each person owes several accounts (n and n + 50)."""
    return [
        account_row(
            **{
                "reference": f"R-{n}",
                "creditor": ("acme", "globex", "initech")[n % 3],
                "creditor_name": None,
                "full_name": f"Person {n % 50}",
                "email": f"p{n % 50}@example.com",
                "principal": f"{100 + n}.00",
                **overrides,
            }
        )
        for n in range(start, start + count)
    ]


def test_memory_does_not_grow_with_the_file(app):
    import_accounts(io.StringIO(_csv(_rows(20, start=10_000))))  # what is made once per process
    small = io.StringIO(_csv(_rows(300)))
    large = io.StringIO(_csv(_rows(3000, start=300)))
    _report, small_peak = _peak_bytes(lambda: import_accounts(small))
    report, large_peak = _peak_bytes(lambda: import_accounts(large))
    assert report.created == 3000 and len(report.accepted) == KEEP
    # Ten times the rows: keeping each checked row would cost about 1.5 MB more.
    assert large_peak < small_peak + 2**20


def test_a_mixed_file_gives_the_same_accounts_events_and_sound_timelines(app):
    """New accounts, people shared across creditors, changes with and without a history,
    duplicates and bad rows in one file; then the same file again changes nothing."""
    first = import_accounts(io.StringIO(_csv(_rows(60))))
    assert first.created == 60
    paid = db.session.scalar(select(Account).where(Account.reference == "R-1"))
    db.session.add(Payment(account_id=paid.id, stripe_payment_intent_id="pi_1", amount=500, currency="USD"))
    db.session.commit()
    changed = _rows(60)
    changed[1]["principal"] = "999.00"  # an account with a payment: flagged
    changed[2]["principal"] = "5.00"  # no history: applied
    changed[3]["email"] = "new3@example.com"  # a person with other accounts: one by one
    changed[4]["phone"] = ""
    duplicate = account_row(reference="R-5", creditor="initech")
    text = _csv([*changed, *_rows(30, start=60), duplicate, account_row(principal="x")])

    report = import_accounts(io.StringIO(text))
    again = import_accounts(io.StringIO(text))

    assert (report.created, report.updated, report.unchanged, report.rejected_count) == (30, 4, 56, 2)
    assert report.rejected[0] == (92, "the reference appears twice for this creditor (first on line 7)")
    assert report.flagged_count == 1 and report.flagged[0].account == "globex/R-1"
    assert (again.created, again.updated, again.unchanged) == (0, 0, 90)
    assert db.session.scalar(select(func.count()).select_from(Account)) == 90
    updates = db.session.scalars(
        select(Event.data).join(Account).where(Event.kind == "account_updated").order_by(Account.reference)
    ).all()
    assert {"changed": ["principal"], "total_before": 16225, "total_after": 6525} in updates
    assert {"changed": ["email"]} in updates and {"changed": ["phone"]} in updates
    assert [checked.breaks for checked in timeline.verify() if checked.breaks] == []


def test_verify_timeline_passes_after_a_bulk_import(runner, write_csv):
    runner.invoke(args=["import-accounts", write_csv(_rows(40))])
    result = runner.invoke(args=["import-accounts", write_csv(_rows(40, principal="7.00"))])
    assert untimed(result.stdout).splitlines()[-1] == "created 0, updated 40, unchanged 0, rejected 0"
    verified = runner.invoke(args=["verify-timeline"])
    assert verified.exit_code == 0, verified.output


def test_observers_are_told_of_the_imported_events_they_want(app, monkeypatch):
    monkeypatch.setattr(timeline, "_observers", [])
    told: list = []
    other: list = []
    timeline.observe(told.extend, kinds={"account_imported"})
    timeline.observe(other.extend, kinds={"payment_succeeded"})

    import_accounts(io.StringIO(_csv(_rows(30))))

    ids = set(db.session.scalars(select(Account.id)))
    assert sorted(account_id for account_id, _seq, _kind, _data in told) == sorted(ids)
    assert {(seq, kind, str(data)) for _id, seq, kind, data in told} == {(1, "account_imported", "{}")}
    if db.session.get_bind().dialect.name == "postgresql":
        # The set-based path reads events back only for an observer that wants their kind.
        assert other == []
