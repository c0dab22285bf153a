"""Evidence is judged by its content: real PDFs, JPEGs and PNGs in, everything else out."""

from __future__ import annotations

import io
import stat

import pytest

from portal.disputes import evidence
from portal.disputes.evidence import MAX_BYTES, EvidenceRejected, Problem
from tests.helpers import documents


@pytest.mark.parametrize(
    ("data", "mime", "extension"),
    [
        (documents.pdf(), "application/pdf", ".pdf"),
        (documents.jpeg(), "image/jpeg", ".jpg"),
        (documents.png(), "image/png", ".png"),
    ],
    ids=["pdf", "jpeg", "png"],
)
def test_real_documents_and_pictures_are_accepted(data, mime, extension):
    kind = evidence.identify(data)
    assert (kind.mime, kind.extension) == (mime, extension)


@pytest.mark.parametrize("data", [documents.elf(), documents.windows_exe()], ids=["elf", "mz"])
def test_an_executable_is_refused_whatever_it_is_called(data, tmp_path):
    folder = tmp_path / "evidence"
    with pytest.raises(EvidenceRejected) as caught:
        evidence.store(data, "receipt.pdf", folder)
    assert caught.value.problem is Problem.WRONG_TYPE
    assert not folder.exists(), "nothing is written for a refused file"


@pytest.mark.parametrize(
    "data",
    [b"<html><script>alert(1)</script></html>", b"PK\x03\x04word/document.xml", b"GIF89a\x01\x00", b"%PD"],
    ids=["html", "docx", "gif", "truncated-pdf"],
)
def test_other_kinds_of_file_are_refused(data):
    with pytest.raises(EvidenceRejected) as caught:
        evidence.identify(data)
    assert caught.value.problem is Problem.WRONG_TYPE


def test_an_empty_file_is_refused():
    with pytest.raises(EvidenceRejected) as caught:
        evidence.identify(b"")
    assert caught.value.problem is Problem.EMPTY


def test_ten_megabytes_is_the_most_accepted():
    exactly = documents.png() + b"\x00" * (MAX_BYTES - len(documents.png()))
    assert evidence.identify(exactly).mime == "image/png"
    with pytest.raises(EvidenceRejected) as caught:
        evidence.identify(exactly + b"\x00")
    assert caught.value.problem is Problem.TOO_LARGE


def test_reading_an_upload_stops_just_past_the_limit():
    stream = io.BytesIO(b"%PDF-" + b"\x00" * (MAX_BYTES * 2))
    data = evidence.read_upload(stream)
    assert len(data) == MAX_BYTES + 1
    with pytest.raises(EvidenceRejected):
        evidence.identify(data)


def test_stored_files_get_a_random_name_from_their_content_and_only_the_owner_can_read(tmp_path):
    folder = tmp_path / "evidence"
    first = evidence.store(documents.png(), "receipt.pdf", folder)  # a PNG with the wrong name
    second = evidence.store(documents.png(), "receipt.pdf", folder)

    assert first.mime == "image/png" and first.file_name.endswith(".png")
    assert first.file_name != second.file_name
    assert "receipt" not in first.file_name
    assert (folder / first.file_name).read_bytes() == documents.png()
    assert stat.S_IMODE((folder / first.file_name).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert first.original_name == "receipt.pdf"


def test_the_name_the_browser_sent_is_kept_for_staff_without_any_path():
    assert evidence.display_name("C:\\Users\\jane\\Desktop\\bank statement.pdf") == "bank statement.pdf"
    assert evidence.display_name("../../etc/passwd") == "passwd"
    assert evidence.display_name("a\x00b\nc.png") == "abc.png"
    assert len(evidence.display_name("x" * 500)) == 200
