"""The dispute's document page: a file is checked by its content and stored at once, can be
replaced or removed, and "no document" is an answer too."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.disputes.draft import RUN
from portal.extensions import db
from portal.models import Dispute
from tests.disputes.conftest import text, upload
from tests.helpers import documents
from tests.helpers.pages import check_page


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def client(account, sign_in):
    """Signed in, with the reason and the words already answered."""
    client = sign_in(account)
    client.post("/dispute", data={"reason": "already_paid"})
    client.post("/dispute/details", data={"details": "I paid in March."})
    return client


def _saved(account) -> dict:
    db.session.expire_all()
    return RUN.answers(account)


def _post(client, document, **data):
    return client.post(
        "/dispute/document", data={"evidence": document, **data}, content_type="multipart/form-data"
    )


def _in_memory(evidence: bytes) -> dict:
    """A multipart body built in memory. Given a big file, the test client spools the body to a
    temporary file of its own that it never closes (a ResourceWarning); this avoids it."""
    boundary, body = encode_multipart(
        MultiDict({"evidence": FileStorage(io.BytesIO(evidence), "statement.pdf")})
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _stored(evidence_dir) -> list[str]:
    return sorted(p.name for p in evidence_dir.iterdir()) if evidence_dir.exists() else []


def test_the_page_asks_for_an_optional_document(client):
    page = text(client.get("/dispute/document"))
    assert check_page(page) == "Do you have a document that shows this? (optional)"
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="label label--heading" for="evidence">' in page
    assert 'type="file" id="evidence" name="evidence"' in page
    assert "It must be a PDF, JPEG or PNG file of 10 MB or less." in page
    assert '<a href="/dispute/details">Back</a>' in page
    assert 'name="without" value="1">Continue without a document</button>' in page
    assert "Remove this document" not in page


def test_continuing_without_a_document_is_an_answer(account, client, evidence_dir):
    response = client.post("/dispute/document", data={"without": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/check"
    assert _saved(account)["evidence"] is None
    assert _stored(evidence_dir) == []


def test_continuing_with_no_file_chosen_is_the_same(account, client):
    response = _post(client, (io.BytesIO(b""), ""))
    assert response.headers["Location"] == "/dispute/check"
    assert _saved(account)["evidence"] is None


@pytest.mark.parametrize("payload", [documents.elf(), documents.windows_exe()], ids=["elf", "mz"])
def test_a_renamed_executable_is_refused(account, client, evidence_dir, payload):
    response = _post(client, upload(payload, "receipt.pdf", "application/pdf"))
    assert response.status_code == 400
    page = text(response)
    assert "<title>Error: Do you have a document that shows this? (optional)" in page
    assert '<a href="#evidence">The file must be a PDF, JPEG or PNG.' in page
    assert 'id="evidence-error"' in page and 'aria-invalid="true"' in page
    assert "evidence" not in _saved(account) and not evidence_dir.exists()


def test_an_empty_file_is_refused(account, client):
    response = _post(client, upload(b"", "receipt.png", "image/png"))
    assert response.status_code == 400
    assert "The file you chose is empty." in text(response)
    assert "evidence" not in _saved(account)


def test_a_file_over_ten_megabytes_is_refused_on_the_page(account, client, evidence_dir):
    big = documents.pdf() + b"\x00" * (10 * 1024 * 1024)
    response = client.post("/dispute/document", **_in_memory(big))
    assert response.status_code == 400
    assert '<a href="#evidence">The file must be 10 MB or smaller.' in text(response)
    assert "evidence" not in _saved(account) and _stored(evidence_dir) == []


def test_a_request_over_the_upload_limit_gets_a_kind_page(account, client, evidence_dir):
    huge = documents.pdf() + b"\x00" * (12 * 1024 * 1024)
    response = client.post("/dispute/document", **_in_memory(huge))
    assert response.status_code == 413
    page = text(response)
    assert check_page(page) == "The file is too big"
    assert "Nothing has been sent yet." in page and 'href="/dispute/document"' in page
    assert "evidence" not in _saved(account) and _stored(evidence_dir) == []


def test_a_document_is_stored_at_once_and_shown_again(account, client, evidence_dir):
    response = _post(client, upload(documents.png(), "scans/cheque.png", "application/octet-stream"))
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/check"
    (name,) = _stored(evidence_dir)
    assert (evidence_dir / name).read_bytes() == documents.png()
    assert _saved(account)["evidence"] == {
        "file_name": name,
        "mime": "image/png",
        "original_name": "cheque.png",
    }
    assert db.session.scalars(select(Dispute)).all() == [], "nothing is sent yet"

    page = text(client.get("/dispute/document"))
    assert "You added: cheque.png" in page
    assert 'name="remove" value="1">Remove this document</button>' in page
    assert "Continue without a document" not in page


def test_continuing_with_no_new_file_keeps_the_document(account, client, evidence_dir):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    kept = _saved(account)["evidence"]
    response = _post(client, (io.BytesIO(b""), ""))
    assert response.headers["Location"] == "/dispute/check"
    assert _saved(account)["evidence"] == kept and _stored(evidence_dir) == [kept["file_name"]]


def test_a_new_document_replaces_the_old_one_on_disk_too(account, client, evidence_dir):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    old = _saved(account)["evidence"]["file_name"]
    _post(client, upload(documents.jpeg(), "photo.jpg"))
    new = _saved(account)["evidence"]
    assert new["original_name"] == "photo.jpg" and new["mime"] == "image/jpeg"
    assert _stored(evidence_dir) == [new["file_name"]] and new["file_name"] != old


def test_a_refused_file_keeps_the_document_already_added(account, client, evidence_dir):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    kept = _saved(account)["evidence"]
    response = _post(client, upload(documents.elf(), "virus.pdf"))
    assert response.status_code == 400
    assert "You added: letter.pdf" in text(response)
    assert _saved(account)["evidence"] == kept and _stored(evidence_dir) == [kept["file_name"]]


def test_removing_the_document_deletes_the_file(account, client, evidence_dir):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    response = client.post("/dispute/document", data={"remove": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/dispute/document"
    assert "evidence" not in _saved(account) and _stored(evidence_dir) == []
    assert "You added" not in text(client.get("/dispute/document"))
    assert client.get("/dispute/check").headers["Location"] == "/dispute/document"


def test_the_check_page_names_the_document(client):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    page = text(client.get("/dispute/check"))
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Document letter.pdf Change Document" in body


def test_no_route_serves_evidence(app, client, evidence_dir):
    _post(client, upload(documents.pdf(), "letter.pdf"))
    client.post("/dispute/check")
    (dispute,) = db.session.scalars(select(Dispute)).all()
    assert dispute.evidence_file in _stored(evidence_dir)
    # Only the staff console serves a document, to a signed-in supervisor (tests/console/test_evidence.py).
    serving = [rule for rule in app.url_map.iter_rules() if "evidence" in rule.rule]
    assert serving and all(rule.endpoint.startswith("console.") for rule in serving)
    console = f"/console/accounts/{dispute.account_id}/disputes/{dispute.id}/evidence"
    assert client.get(console).status_code == 302  # to the console's sign-in, not the file
    for path in (
        f"/evidence/{dispute.evidence_file}",
        f"/instance/evidence/{dispute.evidence_file}",
        f"/static/../instance/evidence/{dispute.evidence_file}",
        f"/static/{dispute.evidence_file}",
        f"/dispute/document/{dispute.evidence_file}",
    ):
        assert client.get(path).status_code == 404, path
    assert evidence_dir.parent.resolve() != (evidence_dir.parent / ".." / "static").resolve()
    assert "static" not in str(evidence_dir)


def test_a_draft_left_for_draft_days_is_forgotten_with_its_document(
    app, account, client, evidence_dir, make_account
):
    from portal.models import Draft
    from portal.tasks import forget_old_drafts_task

    _post(client, upload(documents.png(), "cheque.png"))
    (name,) = _stored(evidence_dir)
    recent = make_account(reference="RECENT-1")
    RUN.save(recent, reason="not_mine")
    db.session.commit()
    days = app.config["DRAFT_DAYS"]
    old = db.session.scalars(select(Draft).where(Draft.account_id == account.id)).one()
    old.updated_at = old.updated_at.replace(year=old.updated_at.year - 1)
    db.session.commit()

    assert forget_old_drafts_task.call_local() == 1
    db.session.expire_all()
    assert RUN.answers(account) == {}, f"untouched for more than {days} days"
    assert RUN.answers(recent) == {"reason": "not_mine"}
    assert _stored(evidence_dir) == [], f"{name} went with its draft"
