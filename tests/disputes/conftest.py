"""Dispute fixtures: evidence kept in the test's own folder, and quick ways to open a dispute."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest

from portal.disputes import service
from portal.extensions import db
from portal.models import DisputeReason


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path) -> Path:
    """Point the app's instance folder at the test's temporary folder; evidence goes under it."""
    app.instance_path = str(tmp_path / "instance")
    return tmp_path / "instance" / "evidence"


@pytest.fixture
def open_dispute(app):
    """Open a dispute on an account straight through the service, as the form would."""

    def open_(account, reason=DisputeReason.ALREADY_PAID, details="I paid in March."):
        dispute = service.open_dispute(account, reason, details)
        db.session.commit()
        return dispute

    return open_


def text(response) -> str:
    """The page's HTML with entities decoded, so apostrophes read as typed."""
    return html.unescape(response.get_data(as_text=True))


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return (io.BytesIO(data), name, content_type)
