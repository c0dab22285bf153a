"""Dispute documents in the console: supervisors download them as attachments, read from where the
disputes room stored them; agents are refused, other accounts' and creditors' disputes not found."""

from __future__ import annotations

import pytest

from portal.disputes import evidence, service
from portal.disputes.blueprint import evidence_folder
from portal.extensions import db
from portal.models import DisputeReason
from tests.helpers.documents import pdf, png
from tests.helpers.records import events


@pytest.fixture(autouse=True)
def own_instance(app, tmp_path):
    """Each test keeps its documents in a folder of its own."""
    app.instance_path = str(tmp_path / "instance")


def _dispute(account, data: bytes | None = None, name: str = "bank statement.pdf"):
    stored = evidence.store(data, name, evidence_folder()) if data is not None else None
    dispute = service.open_dispute(account, DisputeReason.ALREADY_PAID, "I paid this in March.", stored)
    db.session.commit()
    return dispute


def test_a_supervisor_downloads_the_document_as_an_attachment_and_it_is_on_the_timeline(
    make_account, make_staff, console_sign_in
):
    account = make_account()
    document = pdf()
    dispute = _dispute(account, document)
    person = make_staff("lead@example.com", role="supervisor")
    client = console_sign_in(person)
    assert (
        f"/console/accounts/{account.id}/disputes/evidence"
        in client.get(f"/console/accounts/{account.id}").text
    )
    listing = client.get(f"/console/accounts/{account.id}/disputes/evidence").text
    url = f"/console/accounts/{account.id}/disputes/{dispute.id}/evidence"
    assert url in listing and "bank statement.pdf" in listing

    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.data == document
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == f"attachment; filename={dispute.reference}-evidence.pdf"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    (event,) = events(account, "evidence_downloaded")
    assert event.actor == f"staff:{person.id}" and event.data["by"] == person.email
    assert event.data["dispute_id"] == dispute.id


def test_a_png_keeps_its_stored_type(make_account, make_staff, console_sign_in):
    account = make_account()
    dispute = _dispute(account, png(), "photo.png")
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))
    answer = client.get(f"/console/accounts/{account.id}/disputes/{dispute.id}/evidence")
    assert answer.headers["Content-Type"] == "image/png" and answer.data == png()
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_agents_are_refused_and_record_nothing(make_account, make_staff, console_sign_in):
    account = make_account()
    dispute = _dispute(account, pdf())
    client = console_sign_in(make_staff())
    assert client.get(f"/console/accounts/{account.id}/disputes/{dispute.id}/evidence").status_code == 403
    assert client.get(f"/console/accounts/{account.id}/disputes/evidence").status_code == 403
    assert (
        f"/console/accounts/{account.id}/disputes/evidence"
        not in client.get(f"/console/accounts/{account.id}").text
    )
    assert events(account, "evidence_downloaded") == []


def test_other_accounts_and_creditors_disputes_are_not_found(make_account, make_staff, console_sign_in):
    ours = make_account("A-1", "acme")
    other = make_account("A-2", "acme", email="other@example.com")
    theirs = make_account("B-1", "beta", "Beta Loans", email="b@example.com")
    other_dispute, their_dispute = _dispute(other, pdf()), _dispute(theirs, pdf())
    client = console_sign_in(make_staff("lead@example.com", role="supervisor", creditors=["acme"]))
    # Another account's dispute under ours, and another creditor's by its own account: not found.
    assert client.get(f"/console/accounts/{ours.id}/disputes/{other_dispute.id}/evidence").status_code == 404
    assert (
        client.get(f"/console/accounts/{theirs.id}/disputes/{their_dispute.id}/evidence").status_code == 404
    )
    assert client.get(f"/console/accounts/{theirs.id}/disputes/evidence").status_code == 404
    assert client.get(f"/console/accounts/{other.id}/disputes/{other_dispute.id}/evidence").status_code == 200
    assert events(theirs, "evidence_downloaded") == []


def test_no_document_a_missing_file_or_a_name_that_is_not_ours_is_not_found(
    make_account, make_staff, console_sign_in, tmp_path
):
    account = make_account()
    dispute = _dispute(account)  # sent without a document
    client = console_sign_in(make_staff("lead@example.com", role="supervisor"))
    url = f"/console/accounts/{account.id}/disputes/{dispute.id}/evidence"
    assert client.get(url).status_code == 404
    # A row pointing outside the evidence folder is never followed.
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(pdf())
    dispute.evidence_file, dispute.evidence_type = "../../secret.pdf", "application/pdf"
    db.session.commit()
    assert client.get(url).status_code == 404
    # A stored name whose file has gone.
    dispute.evidence_file = "0" * 32 + ".pdf"
    db.session.commit()
    assert client.get(url).status_code == 404
    assert events(account, "evidence_downloaded") == []
