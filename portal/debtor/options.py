"""The options page: every way the debtor may pay what is owed, within the creditor's limits."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for

from portal import clock, timeline
from portal.accounts.eligibility import Action, Reason, for_account
from portal.debtor.blueprint import bp
from portal.extensions import db
from portal.links.access import verified_required
from portal.plans.options import options_for


@bp.get("/options")
@verified_required
def options():
    account = g.account
    reason = for_account(account, clock.today()).why_not(Action.OPTIONS)
    if reason is not None:
        target = "plans.plan_page" if reason is Reason.PLAN_ACTIVE else "debtor.overview"
        return redirect(url_for(target), code=303)
    choices = options_for(account, clock.today())
    page = render_template("debtor/options.html", account=account, options=choices)
    timeline.record(account, "options_viewed", actor="debtor", policy_version=choices.policy_row.version)
    db.session.commit()
    return page
