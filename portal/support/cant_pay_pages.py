"""The "I can't pay right now" blueprint, and what its pages share: the guard for a closed
account, the CSRF check of hand-read forms, and the debtor's latest request of a kind.

The pages themselves are in cant_pay_routes (the choices), promise_routes and callback_routes.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import RequestKind, SupportRequest
from portal.plans.forms import CsrfOnly, Errors

bp = Blueprint("cant_pay", __name__)


def closed():
    """Where to send someone whose account is closed: there is nothing to pay."""
    return redirect(url_for("debtor.overview"), code=303) if g.account.is_closed else None


def form_ok(errors: Errors, field: str) -> bool:
    """True if the form's CSRF token is good; otherwise an error linked to *field*."""
    if CsrfOnly().validate_on_submit():
        return True
    errors.append((field, _("Something went wrong with the form. Please try again.")))
    return False


def latest(kind: RequestKind) -> SupportRequest | None:
    """The debtor's most recent promise or call-back request, for its confirmation page."""
    return db.session.scalars(
        select(SupportRequest)
        .where(SupportRequest.account_id == g.account.id, SupportRequest.kind == kind)
        .order_by(SupportRequest.id.desc())
        .limit(1)
    ).first()
