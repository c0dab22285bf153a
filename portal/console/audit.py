"""The staff audit log: who signed in, who failed, who changed whom. Rows are only ever added."""

from __future__ import annotations

from flask import has_request_context, request

from portal.extensions import db
from portal.models import StaffAudit, StaffUser


def record(
    kind: str, *, staff: StaffUser | None = None, email: str = "", by: StaffUser | None = None, **detail
):
    """Add one entry (committed with the caller's transaction)."""
    entry = StaffAudit(
        kind=kind,
        staff_id=staff.id if staff else None,
        email=(staff.email if staff else email)[:254],
        by_staff_id=by.id if by else None,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry
