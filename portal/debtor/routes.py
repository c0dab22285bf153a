"""The account overview."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from portal import timeline
from portal.extensions import db
from portal.links.access import verified_required

bp = Blueprint("debtor", __name__)


@bp.get("/account")
@verified_required
def overview():
    account = g.account
    timeline.record(account, "balance_viewed", actor="debtor")
    db.session.commit()
    return render_template("debtor/overview.html", account=account)
