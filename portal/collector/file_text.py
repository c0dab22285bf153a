"""Turning an import file's bytes into text: UTF-8 unless the file or the collector says otherwise."""

from __future__ import annotations

import codecs

# UTF-32 first: its little-endian mark begins with UTF-16's.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAVE_AS = (
    'Save it as UTF-8 ("CSV UTF-8" in Excel), or name its encoding, e.g. --encoding latin-1, '
    "and import it again. Nothing was imported."
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not text we understand, no header, missing columns)."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text, read as *encoding* if given, else as its byte-order mark declares, else as
    UTF-8. ImportFileError, naming the line but never the bytes, when it cannot be read so."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ImportFileError(f"unknown encoding {encoding!r}") from None
        if codec == "utf-8":
            codec = "utf-8-sig"  # a UTF-8 mark is not part of the first column's name
        declared = f"the --encoding {encoding}"
    else:
        codec, declared = next(
            ((name, "its byte-order mark") for mark, name in _MARKS if data.startswith(mark)),
            ("utf-8", ""),
        )
    if not declared and b"\x00" in data.split(b"\n", 1)[0]:
        # No text we accept has NUL in its header; UTF-16 without a mark is the usual cause.
        raise ImportFileError(
            "the header row contains NUL bytes: the file looks like UTF-16 without a "
            f"byte-order mark. {_SAVE_AS}"
        )
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        where = f"line {_line_of(data, error.start)}"
        if declared:
            raise ImportFileError(f"the file cannot be read as {declared} says ({where})") from None
        raise ImportFileError(f"the file is not UTF-8 text ({where}). {_SAVE_AS}") from None
