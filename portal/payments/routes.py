"""The pay-in-full page, the return from 3-D Secure, and the receipt."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import timeline
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.models import Payment
from portal.payments import service
from portal.payments.messages import decline_message

bp = Blueprint("payments", __name__)


def _pay_page(errors=None, status=200):
    return render_template("payments/pay.html", account=g.account, errors=errors or []), status


@bp.get("/pay")
@verified_required
def pay():
    if g.account.balance.minor <= 0:
        return redirect(url_for("debtor.overview"), code=303)
    timeline.record(g.account, "payment_page_viewed", actor="debtor")
    db.session.commit()
    return _pay_page()


@bp.post("/pay")
@verified_required
@limiter.limit("20/minute")
def pay_submit():
    token = (request.form.get("card_token") or "").strip()
    if not token:
        return _pay_page([("card-element", _("Enter your card details"))], 400)
    outcome = service.pay_balance_by_card(g.account, token)
    return _after(outcome)


@bp.post("/pay/attempts/<int:attempt_id>/complete")
@verified_required
def complete(attempt_id: int):
    return _after(service.complete_after_authentication(g.account, attempt_id))


def _after(outcome: service.Outcome):
    R = service.Result
    if outcome.result is R.SUCCEEDED and outcome.payment is not None:
        return redirect(url_for("payments.receipt", payment_id=outcome.payment.id), code=303)
    if outcome.result in (R.NOTHING_OWED, R.SUCCEEDED):
        return redirect(url_for("debtor.overview"), code=303)
    if outcome.result is R.REQUIRES_ACTION:
        return render_template(
            "payments/authenticate.html",
            account=g.account,
            attempt=outcome.attempt,
            client_secret=outcome.client_secret,
        )
    if outcome.result is R.PROCESSING:
        return render_template("payments/processing.html", account=g.account, attempt=outcome.attempt)
    code = "unavailable" if outcome.result is R.UNAVAILABLE else outcome.code
    return _pay_page([("card-element", decline_message(code))], 402 if code != "unavailable" else 503)


@bp.get("/receipt/<int:payment_id>")
@verified_required
def receipt(payment_id: int):
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.account_id != g.account.id:
        abort(404)
    return render_template("payments/receipt.html", account=g.account, payment=payment)
