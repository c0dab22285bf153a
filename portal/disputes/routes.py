"""The validation information page, the dispute's confirmation, and the blueprint the dispute's
question pages (portal.disputes.pages) are added to."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g, redirect, render_template, url_for

from portal import clock, timeline
from portal.disputes import evidence, service
from portal.disputes.validation import validation_info
from portal.extensions import db
from portal.links.access import verified_required

bp = Blueprint("disputes", __name__)
# The size limit the evidence pages state is the one the upload is checked against.
bp.add_app_template_global(evidence.MAX_MEGABYTES, "evidence_megabytes")


def evidence_folder() -> Path:
    """instance/evidence: outside the static folder, and no route reads from it."""
    return Path(current_app.instance_path) / "evidence"


@bp.get("/about-this-debt")
@verified_required
def about():
    account = g.account
    info = validation_info(account, current_app.config["VALIDATION_DAYS"])
    timeline.record(account, "validation_viewed", actor="debtor")
    db.session.commit()
    return render_template(
        "disputes/about.html",
        account=account,
        info=info,
        items=info.itemisation,
        today=clock.today(),
        can_dispute=not account.is_closed and not account.on_hold,
    )


@bp.get("/dispute/received")
@verified_required
def received():
    account = g.account
    dispute = service.open_dispute_for(account)
    if dispute is None:
        return redirect(url_for("debtor.overview"), code=303)
    return render_template(
        "disputes/received.html",
        account=account,
        dispute=dispute,
        emailed=service.confirmation_sent(dispute),
    )


@bp.errorhandler(413)
def too_large(error):
    # Raised while the body is read, before the view runs, so there is no form to show again.
    return render_template("disputes/too_large.html"), 413


# The question pages add their routes to `bp`; imported last because they use it.
from portal.disputes import pages  # noqa: E402, F401
