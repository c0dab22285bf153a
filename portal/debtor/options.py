"""The options page: every way the debtor may pay what is owed, within the creditor's limits."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for

from portal import clock, timeline
from portal.debtor.blueprint import bp
from portal.extensions import db
from portal.links.access import verified_required
from portal.plans.options import options_for


@bp.get("/options")
@verified_required
def options():
    account = g.account
    if account.is_closed or account.on_hold or account.balance.minor <= 0:
        return redirect(url_for("debtor.overview"), code=303)
    choices = options_for(account, clock.today())
    timeline.record(account, "options_viewed", actor="debtor", policy_version=choices.policy_row.version)
    db.session.commit()
    return render_template("debtor/options.html", account=account, options=choices)
