"""The "I can't pay right now" blueprint, and what its pages share: the guard for a closed
account, the CSRF check of hand-read forms, and the debtor's latest request of a kind.

The pages themselves are in routes (the choices), promise_routes and callback_routes;
`portal.cant_pay.init_app` imports them and registers the blueprint.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for
from sqlalchemy import select

from portal import clock
from portal.accounts.eligibility import Action, for_account
from portal.extensions import db
from portal.models import RequestKind, SupportRequest

bp = Blueprint("cant_pay", __name__)


def closed():
    """Where to send someone who may not ask for help here (the account is finished), or None."""
    if for_account(g.account, clock.today()).may(Action.CALLBACK):
        return None
    return redirect(url_for("debtor.overview"), code=303)


def latest(kind: RequestKind) -> SupportRequest | None:
    """The debtor's most recent promise or call-back request, for its confirmation page."""
    return db.session.scalars(
        select(SupportRequest)
        .where(SupportRequest.account_id == g.account.id, SupportRequest.kind == kind)
        .order_by(SupportRequest.id.desc())
        .limit(1)
    ).first()
