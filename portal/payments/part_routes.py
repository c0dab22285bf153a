"""Paying part of the balance now, and settling for less: one-off card payments within the
creditor's limits."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal import clock, timeline
from portal.domain.money import Money
from portal.domain.policy import OutsidePolicy, check_part_payment
from portal.extensions import db, limiter
from portal.forms.checks import CsrfOnly, parse_amount
from portal.i18n import money
from portal.links.access import verified_required
from portal.models import Purpose
from portal.payments import card_setup, service
from portal.payments.blueprint import bp
from portal.payments.card_pages import after_attempt, card_page
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
    form = CsrfOnly()
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append(("amount", _("Something went wrong with the form. Please try again.")))
        else:
            value = parse_amount(request.form.get("amount"), account.currency, "amount", errors)
            if value is not None:
                try:
                    check_part_payment(choices.policy, account.balance.minor, value)
                except OutsidePolicy as error:
                    if error.code == "amount_is_whole_balance":
                        return redirect(url_for("payments.pay"), code=303)
                    errors.append(("amount", explain(error, account.currency)))
            if not errors:
                session["part_amount"] = value
                return redirect(url_for("payments.part_card"), code=303)
    return render_template(
        "payments/part_amount.html",
        account=account,
        options=choices,
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
    setup_id = card_setup.posted_setup_id()
    if setup_id is None:
        return _part_page([("card-element", _("Enter your card details"))], 400)
    return after_attempt(card_setup.pay_with_new_card(g.account, charge, setup_id), _part_page)


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
    setup_id = card_setup.posted_setup_id()
    if setup_id is None:
        return _settle_page([("card-element", _("Enter your card details"))], 400)
    charge = service.Charge(Purpose.SETTLEMENT, offer.amount, basis=account.balance.minor)
    return after_attempt(card_setup.pay_with_new_card(account, charge, setup_id), _settle_page)
