"""Turning an import file's bytes into text: UTF-8 unless the file or the collector says otherwise."""

from __future__ import annotations

import codecs
import io
import tempfile
from typing import BinaryIO, TextIO

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


#: Bytes read at a time when checking a file's encoding.
_CHUNK = 1 << 20
_NEWLINE = b"\n"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not text we understand, no header, missing columns)."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text, read as *encoding* if given, else as its byte-order mark declares, else as
    UTF-8. ImportFileError, naming the line but never the bytes, when it cannot be read so."""
    codec, declared = _codec(data[:4], encoding)
    if not declared and b"\x00" in data.split(b"\n", 1)[0]:
        # No text we accept has NUL in its header; UTF-16 without a mark is the usual cause.
        raise ImportFileError(
            "the header row contains NUL bytes: the file looks like UTF-16 without a "
            f"byte-order mark. {_SAVE_AS}"
        )
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        _refuse(declared, f"line {_line_of(data, error.start)}")


def _codec(opening: bytes, encoding: str | None) -> tuple[str, str]:
    """The codec to read with, and what declared it ("" for the UTF-8 default)."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ImportFileError(f"unknown encoding {encoding!r}") from None
        if codec == "utf-8":
            codec = "utf-8-sig"  # a UTF-8 mark is not part of the first column's name
        return codec, f"the --encoding {encoding}"
    return next(
        ((name, "its byte-order mark") for mark, name in _MARKS if opening.startswith(mark)),
        ("utf-8", ""),
    )


def _refuse(declared: str, where: str):
    if declared:
        raise ImportFileError(f"the file cannot be read as {declared} says ({where})") from None
    raise ImportFileError(f"the file is not UTF-8 text ({where}). {_SAVE_AS}") from None


def _seekable(binary: BinaryIO) -> BinaryIO:
    """*binary* itself when it can be read twice, else a copy spooled to disk as it is read."""
    if binary.seekable():
        return binary
    spooled = tempfile.SpooledTemporaryFile(max_size=_CHUNK * 8)  # noqa: SIM115  (returned open)
    while block := binary.read(_CHUNK):
        spooled.write(block)
    spooled.seek(0)
    return spooled


def open_text(binary: BinaryIO, encoding: str | None = None) -> TextIO:
    """The file as text to read as a stream, as `decode` would read it: *encoding* if given,
    else as its byte-order mark declares, else UTF-8.

    The whole file is checked first, a block at a time, so a file that is not the text it
    claims is refused (ImportFileError, naming the line) before anything is imported."""
    readable = _seekable(binary)
    try:
        codec = _checked_codec(readable, encoding)
    except ImportFileError:
        if readable is not binary:
            readable.close()  # the copy spooled to disk
        raise
    return io.TextIOWrapper(readable, encoding=codec, newline="")


def _checked_codec(binary: BinaryIO, encoding: str | None) -> str:
    """The codec *binary* reads as, once every byte of it has been read so; ImportFileError else."""
    start = binary.tell()
    opening = binary.read(4)
    binary.seek(start)
    codec, declared = _codec(opening, encoding)
    if not declared and b"\x00" in binary.readline(_CHUNK):
        raise ImportFileError(
            "the header row contains NUL bytes: the file looks like UTF-16 without a "
            f"byte-order mark. {_SAVE_AS}"
        )
    binary.seek(start)
    decoder, lines = codecs.getincrementaldecoder(codec)(), 1
    while True:
        block = binary.read(_CHUNK)
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as error:
            _refuse(declared, f"line {lines + block.count(_NEWLINE, 0, max(error.start, 0))}")
        if not block:
            break
        lines += block.count(b"\n")
    binary.seek(start)
    return codec
