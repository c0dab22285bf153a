"""The own-offer blueprint, and the guard its pages share. Its pages are in routes.py (where the
offer stands, agreeing it) and pages.py (the questions that make it); `portal.offers.init_app`
imports both and registers the blueprint."""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for

from portal.accounts import ledger

bp = Blueprint("own_offer", __name__)


def elsewhere():
    """Where to go instead, when there is nothing to offer on (closed) or a plan is running."""
    account = g.account
    if account.is_closed or account.balance.minor <= 0:
        return redirect(url_for("debtor.overview"), code=303)
    if ledger.active_plan(account.id) is not None:
        return redirect(url_for("plans.plan_page"), code=303)
    return None
