"""What an import did, kept in bounded memory: counts of everything, the first notes of each kind,
and every note written to a report file as it happens (CSV, safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TextIO

#: Notes of each kind kept in memory for the caller to show; the report file has them all.
KEEP = 100
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPORT_COLUMNS = ("line", "outcome", "creditor", "reference", "detail")


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet shows, never runs: a leading apostrophe before a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


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


class ReportWriter:
    """Every note of an import, one CSV row each, by line: what was rejected or refused and why,
    what was updated, flagged or cleaned. Reasons name columns, never values; the creditor and
    reference are the file's own, made formula-safe."""

    def __init__(self, stream: TextIO):
        self._writer = csv.writer(stream)
        self._writer.writerow(REPORT_COLUMNS)

    def write(self, line: int, outcome: str, creditor: str, reference: str, detail: str) -> None:
        self._writer.writerow(
            [line, outcome, safe_cell(creditor or ""), safe_cell(reference or ""), safe_cell(detail)]
        )


@dataclass
class ImportReport:
    """Counts of every outcome; the first *keep* notes of each kind (all of them when keep is None)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    cleaned: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)
    rejected_count: int = 0
    refused_count: int = 0
    flagged_count: int = 0
    cleaned_count: int = 0
    keep: int | None = KEEP
    writer: ReportWriter | None = None
    seconds: float = 0.0

    @property
    def flagged(self) -> list[Change]:
        return [change for change in self.changes if change.review]

    def _kept(self, notes: list, note) -> None:
        if self.keep is None or len(notes) < self.keep:
            notes.append(note)

    def reject(self, line: int, reason: str, creditor: str = "", reference: str = "") -> None:
        self.rejected_count += 1
        self._kept(self.rejected, (line, reason))
        if self.writer:
            self.writer.write(line, "rejected", creditor, reference, reason)

    def refuse(self, line: int, reason: str, creditor: str, reference: str) -> None:
        self.refused_count += 1
        self._kept(self.refused, (line, reason))
        if self.writer:
            self.writer.write(line, "refused", creditor, reference, reason)

    def clean(self, line: int, columns: tuple[str, ...], creditor: str, reference: str) -> None:
        self.cleaned_count += 1
        self._kept(self.cleaned, (line, columns))
        if self.writer:
            self.writer.write(line, "cleaned", creditor, reference, ", ".join(columns))

    def change(self, change: Change, creditor: str, reference: str) -> None:
        self._kept(self.changes, change)
        if change.review:
            self.flagged_count += 1
        if self.writer:
            detail = ", ".join(change.columns) + (
                f"; flagged for review: {change.review}" if change.review else ""
            )
            self.writer.write(change.line, "updated", creditor, reference, detail)

    def accept(self, accepted: Accepted) -> None:
        setattr(self, accepted.outcome, getattr(self, accepted.outcome) + 1)
        self._kept(self.accepted, accepted)

    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected_count}"
        )
        if self.refused_count:
            text += f", refused {self.refused_count}"
        if self.flagged_count:
            text += f", flagged for review {self.flagged_count}"
        return text
