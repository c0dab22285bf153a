"""Reading an import file record by record, in bounded memory whatever the file holds.

A hostile or broken file (a line of a hundred megabytes, a million columns) costs at most one
record's worth of memory and is refused by line: a record is cut off past MAX_RECORD_CHARS, and
one with more than MAX_COLUMNS values is not read further.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from portal.collector.file_text import ImportFileError

#: Far more than any real row (the widest a row can be and still import is about 2,100
#: characters), far less than would hurt: a longer record is refused, not read.
MAX_RECORD_CHARS = 1 << 20
#: Columns a header or a row may have; an export with a few extra columns is fine.
MAX_COLUMNS = 1000
#: Read a long line this much at a time, so a line with no end never sits in memory whole.
_CHUNK = 1 << 16

CANNOT_READ = "the line cannot be read as CSV"
TOO_LONG = f"the line is longer than {MAX_RECORD_CHARS} characters"
TOO_WIDE = f"the line has more than {MAX_COLUMNS} values"


class _TooLong(Exception):
    """A record ran past MAX_RECORD_CHARS; the line that crossed it was skipped."""


class _Lines:
    """The file's lines for csv.reader, counted, each record held to MAX_RECORD_CHARS."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.line = 0  # physical lines handed out or skipped
        self.record_chars = 0
        self.chars = 0  # every character read, for progress

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text = self.stream.readline(_CHUNK)
        if not text:
            raise StopIteration
        self.line += 1
        size = len(text)
        self.chars += size
        self.record_chars += size
        if size < _CHUNK and self.record_chars <= MAX_RECORD_CHARS:
            return text  # a whole line (readline stopped at its end), and the record fits
        parts = [text]
        while len(text) == _CHUNK and not text.endswith("\n"):
            text = self._read()  # more of the same line
            if self.record_chars <= MAX_RECORD_CHARS:
                parts.append(text)  # past the limit, the rest is dropped as it is read
        if self.record_chars > MAX_RECORD_CHARS:
            self.record_chars = 0
            raise _TooLong
        return "".join(parts)

    def _read(self) -> str:
        text = self.stream.readline(_CHUNK)
        self.chars += len(text)
        self.record_chars += len(text)
        return text


class Records:
    """The header, then (line, values or None, reason) for every record; line is where it starts."""

    def __init__(self, stream: TextIO):
        self._lines = _Lines(stream)
        self._reader = csv.reader(self._lines)

    @property
    def chars_read(self) -> int:
        return self._lines.chars

    def header(self) -> list[str]:
        """The header's column names as written; ImportFileError when there is none."""
        line, values, reason = next(self, (1, [], None))
        if reason == CANNOT_READ:
            raise ImportFileError("the header row cannot be read as CSV")
        if reason:
            raise ImportFileError(f"the header row cannot be read: {reason}")
        if not values:
            raise ImportFileError("the file is empty: expected a header row")
        return values

    def __iter__(self) -> Iterator[tuple[int, list[str] | None, str | None]]:
        return self

    def __next__(self) -> tuple[int, list[str] | None, str | None]:
        line = self._lines.line + 1
        self._lines.record_chars = 0
        try:
            values = next(self._reader)
        except _TooLong:
            return line, None, TOO_LONG
        except csv.Error:
            return line, None, CANNOT_READ
        if len(values) > MAX_COLUMNS:
            return line, None, TOO_WIDE
        return line, values, None
