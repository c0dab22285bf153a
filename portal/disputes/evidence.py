"""Evidence a debtor uploads with a dispute: checked by its content, kept where no page serves it.

The file's name and the browser's content type are the sender's word and easy to fake, so the
kind of file is decided by its first bytes only. Accepted files are written under
instance/evidence/ (outside the static folder) with a random name the server chooses; no route
reads that folder, so only staff with access to the server can open them.
"""

from __future__ import annotations

import enum
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: The largest evidence file, as the pages state it and as it is checked.
MAX_MEGABYTES = 10
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
#: Stored files are readable by the portal's own user only.
FILE_MODE = 0o600
DIR_MODE = 0o700


@dataclass(frozen=True)
class Kind:
    mime: str
    extension: str
    magic: bytes


PDF = Kind("application/pdf", ".pdf", b"%PDF-")
PNG = Kind("image/png", ".png", b"\x89PNG\r\n\x1a\n")
JPEG = Kind("image/jpeg", ".jpg", b"\xff\xd8\xff")
KINDS = (PDF, PNG, JPEG)


class Problem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"


class EvidenceRejected(ValueError):
    """The upload cannot be kept; *problem* says why, for a message the person understands."""

    def __init__(self, problem: Problem):
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class StoredEvidence:
    #: The random name on disk; the only thing saved that points at the file.
    file_name: str
    mime: str
    #: What the person's computer called it, for staff to recognise; never used as a path.
    original_name: str


def identify(data: bytes) -> Kind:
    """The kind of file *data* is, from its content alone; raises EvidenceRejected."""
    if not data:
        raise EvidenceRejected(Problem.EMPTY)
    if len(data) > MAX_BYTES:
        raise EvidenceRejected(Problem.TOO_LARGE)
    for kind in KINDS:
        if data.startswith(kind.magic):
            return kind
    # Anything else (an executable renamed to .pdf, a Word file, a web page) is refused.
    raise EvidenceRejected(Problem.WRONG_TYPE)


def read_upload(stream: BinaryIO) -> bytes:
    """Read at most one byte past the limit, so a huge upload is refused without reading it all."""
    return stream.read(MAX_BYTES + 1)


def display_name(name: str | None) -> str:
    """The last part of the name the browser sent (some send a whole Windows path), shortened."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in last if ch.isprintable())[:200]


def store(data: bytes, original_name: str | None, folder: Path) -> StoredEvidence:
    """Check *data* and write it to *folder* under a new random name; raises EvidenceRejected."""
    kind = identify(data)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    file_name = secrets.token_hex(16) + kind.extension
    # O_EXCL: never overwrite, even in the astronomically unlikely case of a repeated name.
    handle = os.open(folder / file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return StoredEvidence(file_name, kind.mime, display_name(original_name))


def remove(folder: Path, file_name: str) -> None:
    """Delete a stored file whose dispute was never saved."""
    (folder / file_name).unlink(missing_ok=True)
