"""The disputes blueprint, and where evidence is kept. Its pages are in routes.py (validation
information, the confirmation) and pages.py (the dispute's questions); `portal.disputes.init_app`
imports both and registers the blueprint."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app

from portal.disputes import evidence

bp = Blueprint("disputes", __name__)
# The size limit the evidence pages state is the one the upload is checked against.
bp.add_app_template_global(evidence.MAX_MEGABYTES, "evidence_megabytes")


def evidence_folder() -> Path:
    """instance/evidence: outside the static folder, and no route reads from it."""
    return Path(current_app.instance_path) / "evidence"
