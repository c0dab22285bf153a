"""Paying part of the balance now, and settling for less: one-off card payments within the
creditor's limits."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.domain.money import Money
from portal.domain.policy import OutsidePolicy, check_part_payment
from portal.extensions import db, limiter
from portal.i18n import money
from portal.links.access import verified_required
from portal.models import Purpose
from portal.payments import card_setup, service
from portal.payments.blueprint import bp
from portal.payments.card_pages import after_attempt, card_page
from portal.payments.forms import CardForm, PartAmountForm
from portal.plans.limits import explain
from portal.plans.options import options_for


def _today():
    return clock.today()


# --- Pay part now ---------------------------------------------------------------------------


@bp.route("/pay/part", methods=["GET", "POST"])
@verified_required
def part_amount():
    account = g.account
    choices = options_for(account, _today())
    if not choices.part_payment:
        return redirect(url_for("debtor.options"), code=303)
    form = PartAmountForm(account.currency)
    if form.validate_on_submit():
        value = form.amount.data
        try:
            check_part_payment(choices.policy, account.balance.minor, value)
        except OutsidePolicy as error:
            if error.code == "amount_is_whole_balance":
                return redirect(url_for("payments.pay"), code=303)
            form.add_error(form.amount, explain(error, account.currency))
        else:
            session["part_amount"] = value
            return redirect(url_for("payments.part_card"), code=303)
    errors = form.error_summary()
    return render_template(
        "payments/part_amount.html",
        account=account,
        options=choices,
        form=form,
        errors=errors,
        minimum=Money(choices.policy.part_minimum, account.currency),
    ), (400 if errors else 200)


def _part_charge():
    account = g.account
    value = session.get("part_amount")
    choices = options_for(account, _today())
    if not isinstance(value, int) or not choices.part_payment:
        return None
    try:
        check_part_payment(choices.policy, account.balance.minor, value)
    except OutsidePolicy:
        return None
    return service.Charge(Purpose.PART, value, basis=account.balance.minor)


def _part_page(errors=None, status=200):
    account = g.account
    amount = Money(session["part_amount"], account.currency)
    # Another payment may have gone through meanwhile: never show a negative amount left.
    rest = Money(max(account.balance.minor - amount.minor, 0), account.currency)
    return card_page(
        amount=amount,
        heading=_("Pay %(amount)s by card", amount=money(amount)),
        intro=_("After this payment you will still owe %(rest)s.", rest=money(rest)),
        action=url_for("payments.part_card"),
        errors=errors,
        status=status,
        back_url=url_for("payments.part_amount"),
    )


@bp.route("/pay/part/card", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def part_card():
    charge = _part_charge()
    if charge is None:
        return redirect(url_for("payments.part_amount"), code=303)
    if request.method == "GET":
        return _part_page()
    form = CardForm()
    if not form.validate_on_submit():
        return _part_page(form.error_summary(), 400)
    return after_attempt(card_setup.pay_with_new_card(g.account, charge, form.setup_intent.data), _part_page)


# --- Settle for less ------------------------------------------------------------------------


def _settle_page(errors=None, status=200):
    account = g.account
    offer = options_for(account, _today()).settlement
    if offer is None:  # settled, paid or put on hold by another request meanwhile
        return redirect(url_for("debtor.options"), code=303)
    amount, forgiven = Money(offer.amount, account.currency), Money(offer.forgiven, account.currency)
    return card_page(
        amount=amount,
        heading=_("Settle for %(amount)s", amount=money(amount)),
        intro=_(
            "Pay %(amount)s now and the remaining %(forgiven)s is forgiven. The account will then "
            "be closed as settled, and you will not owe anything more on it.",
            amount=money(amount),
            forgiven=money(forgiven),
        ),
        action=url_for("payments.settle"),
        errors=errors,
        status=status,
        back_url=url_for("debtor.options"),
    )


@bp.route("/settle", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/minute", methods=["POST"])
def settle():
    account = g.account
    offer = options_for(account, _today()).settlement
    if offer is None:
        return redirect(url_for("debtor.options"), code=303)
    if request.method == "GET":
        timeline.record(
            account, "settlement_viewed", actor="debtor", amount=offer.amount, forgiven=offer.forgiven
        )
        db.session.commit()
        return _settle_page()
    form = CardForm()
    if not form.validate_on_submit():
        return _settle_page(form.error_summary(), 400)
    charge = service.Charge(Purpose.SETTLEMENT, offer.amount, basis=account.balance.minor)
    return after_attempt(card_setup.pay_with_new_card(account, charge, form.setup_intent.data), _settle_page)
