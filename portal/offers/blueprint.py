"""The own-offer blueprint, and the guard its pages share. Its pages are in routes.py (where the
offer stands, agreeing it) and pages.py (the questions that make it); `portal.offers.init_app`
imports both and registers the blueprint."""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for

from portal import clock
from portal.accounts.eligibility import Action, Reason, for_account

bp = Blueprint("own_offer", __name__)


def elsewhere(action: Action = Action.MAKE_OFFER):
    """Where to go instead when *action* is not allowed now, or None to stay: a running plan has its
    own page, an offer waiting on someone its status page, anything else the overview."""
    reason = for_account(g.account, clock.today()).why_not(action)
    if reason is None:
        return None
    if reason is Reason.PLAN_ACTIVE:
        return redirect(url_for("plans.plan_page"), code=303)
    if reason in (Reason.OFFER_OPEN, Reason.NO_OFFER_TO_AGREE):
        return redirect(url_for("own_offer.status"), code=303)
    return redirect(url_for("debtor.overview"), code=303)
