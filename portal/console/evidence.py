"""Documents debtors sent with their disputes, for supervisors: listed per account and downloaded
as an attachment, never shown in the browser. Every download lands on the timeline."""

from __future__ import annotations

import io
import logging
import re

from flask import abort, render_template, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.console import acting
from portal.console.access import account_or_404, of_account_or_404, requires
from portal.console.blueprint import ACCOUNT_ACTIONS, bp
from portal.disputes import evidence
from portal.disputes.blueprint import evidence_folder
from portal.extensions import db
from portal.models import Dispute, StaffRole

ACCOUNT_ACTIONS.append(("console.dispute_documents", _l("Dispute documents"), StaffRole.SUPERVISOR))

log = logging.getLogger("portal.console")

#: The names `disputes.evidence.store` gives files: 32 random hex digits and a known extension.
#: A name in the database that is anything else is never opened.
STORED_NAME = re.compile(r"[0-9a-f]{32}(" + "|".join(re.escape(k.extension) for k in evidence.KINDS) + ")")
KIND_OF = {kind.extension: kind for kind in evidence.KINDS}


@bp.route("/accounts/<int:account_id>/disputes/evidence")
@requires(StaffRole.SUPERVISOR)
def dispute_documents(account_id: int):
    account = account_or_404(account_id)
    disputes = db.session.scalars(
        select(Dispute).where(Dispute.account_id == account.id).order_by(Dispute.created_at.desc())
    ).all()
    return render_template("console/dispute_documents.html", account=account, disputes=disputes)


@bp.route("/accounts/<int:account_id>/disputes/<int:dispute_id>/evidence")
@requires(StaffRole.SUPERVISOR)
def dispute_evidence(account_id: int, dispute_id: int):
    account = account_or_404(account_id)
    dispute = of_account_or_404(Dispute, dispute_id, account)
    if not dispute.evidence_file:
        abort(404)
    match = STORED_NAME.fullmatch(dispute.evidence_file)
    if match is None:
        log.warning("dispute %s names evidence file %r, not a stored name", dispute.id, dispute.evidence_file)
        abort(404)
    kind = KIND_OF[match.group(1)]
    path = evidence_folder() / dispute.evidence_file
    if not path.is_file():
        log.warning("the evidence of dispute %s is missing from %s", dispute.id, evidence_folder())
        abort(404)
    data = path.read_bytes()
    acting.record(account, "evidence_downloaded", dispute_id=dispute.id, reference=dispute.reference)
    db.session.commit()
    # The stored type was decided from the file's own bytes when it came; a row saying otherwise
    # is not believed. The name is ours too: the debtor's file name never reaches a header.
    mime = dispute.evidence_type if dispute.evidence_type == kind.mime else "application/octet-stream"
    response = send_file(
        io.BytesIO(data),
        mimetype=mime,
        as_attachment=True,
        download_name=f"{dispute.reference}-evidence{kind.extension}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
