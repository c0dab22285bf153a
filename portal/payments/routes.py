"""Paying the whole balance, the return from 3-D Secure, and the receipt. Part payments and
settlements are in part_routes.py, on the same blueprint (blueprint.py)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.accounts import eligibility
from portal.extensions import db, limiter
from portal.links.access import verified_required
from portal.models import Payment, Purpose
from portal.notify import receipts
from portal.payments import card_setup, service
from portal.payments.blueprint import bp
from portal.payments.card_pages import after_attempt, card_page
from portal.payments.forms import CardForm


def _full_page(errors=None, status=200):
    account = g.account
    return card_page(
        amount=account.balance,
        heading=_("Pay %(amount)s by card", amount=_money(account.balance)),
        intro=_(
            "This pays the whole amount owed to %(creditor)s for account %(reference)s.",
            creditor=account.creditor.name,
            reference=account.reference,
        ),
        action=url_for("payments.pay_submit"),
        errors=errors,
        status=status,
    )


def _money(value):
    from portal.i18n import money

    return money(value)


def _may_pay_in_full() -> bool:
    return eligibility.for_account(g.account, clock.today()).may(eligibility.Action.PAY_IN_FULL)


@bp.get("/pay")
@verified_required
def pay():
    if not _may_pay_in_full():
        return redirect(url_for("debtor.overview"), code=303)
    timeline.record(g.account, "payment_page_viewed", actor="debtor")
    db.session.commit()
    return _full_page()


@bp.post("/pay")
@verified_required
@limiter.limit("20/minute")
def pay_submit():
    if not _may_pay_in_full():
        return redirect(url_for("debtor.overview"), code=303)
    form = CardForm()
    if not form.validate_on_submit():
        return _full_page(form.error_summary(), 400)
    owed = g.account.balance.minor
    charge = service.Charge(Purpose.FULL, owed, basis=owed)
    return after_attempt(card_setup.pay_with_new_card(g.account, charge, form.setup_intent.data), _full_page)


@bp.post("/pay/attempts/<int:attempt_id>/complete")
@verified_required
def complete(attempt_id: int):
    def retry(errors, status):
        return (
            redirect(url_for("debtor.overview"), code=303)
            if g.account.is_closed
            else _full_page(errors, status)
        )

    return after_attempt(service.complete_after_authentication(g.account, attempt_id), retry)


@bp.get("/receipt/<int:payment_id>")
@verified_required
def receipt(payment_id: int):
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.account_id != g.account.id:
        abort(404)
    # What the timeline recorded, not the contact rules asked again: a failed send never says "sent".
    return render_template(
        "payments/receipt.html",
        account=g.account,
        receipt=receipts.facts(payment),
        emailed=receipts.emailed(payment),
        Emailed=receipts.Emailed,
    )
