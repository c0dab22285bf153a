"""Money on one account: record a payment made outside the portal (agents), and refund a payment
through Stripe (supervisors). Both go through the payments room, which applies them to the ledger."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.console import acting
from portal.console.access import account_or_404, of_account_or_404, requires, signed_in, staff
from portal.console.blueprint import ACCOUNT_ACTIONS, bp
from portal.console.money_forms import METHOD_NAMES, OutsidePaymentForm, RefundForm
from portal.extensions import db
from portal.forms.checks import CsrfOnly
from portal.i18n import money
from portal.models import Account, Payment, StaffRole
from portal.models.payments import PaymentRefund, RefundStatus
from portal.models.types import utcnow
from portal.notify import receipts
from portal.payments import recording, refunds
from portal.payments.recording import OutsidePaymentRefused
from portal.payments.refunds import RefundRefused

ACCOUNT_ACTIONS.extend(
    [
        ("console.record_payment", _l("Record a payment made outside the portal"), StaffRole.AGENT),
        ("console.payments", _l("Refund a payment"), StaffRole.SUPERVISOR),
    ]
)


def _who() -> dict[str, str]:
    return {"actor": acting.actor(), "by": staff().email}


def _amount(account: Account, minor: int) -> str:
    return money(account.money(minor))


def method_name(payment: Payment) -> str:
    if payment.method == "card":
        return _("Card")
    return str(METHOD_NAMES.get(payment.method, payment.method))


# --- Record a payment made outside the portal ------------------------------------------------------


def _record_page(account: Account, form: OutsidePaymentForm, status: int = 200):
    page = render_template(
        "console/record_payment.html", account=account, form=form, errors=form.error_summary()
    )
    return page, status


@bp.route("/accounts/<int:account_id>/payments/new", methods=["GET", "POST"])
@signed_in
def record_payment(account_id: int):
    account = account_or_404(account_id)
    form = OutsidePaymentForm(account.currency, recording.local_today(account))
    if not form.is_submitted():
        return _record_page(account, form)
    if not form.validate():
        return _record_page(account, form, 400)
    try:
        payment = recording.record_outside(
            account.id,
            amount=form.amount.data,
            method=form.method.data,
            reference=form.reference.data,
            received_on=form.received.data,
            **_who(),
        )
    except OutsidePaymentRefused as refused:
        db.session.rollback()
        account = account_or_404(account_id)
        if refused.reason == OutsidePaymentRefused.DUPLICATE:
            form.add_error(
                form.reference,
                _(
                    "A %(method)s with the reference %(reference)s is already recorded on this account. "
                    "Nothing was recorded.",
                    method=METHOD_NAMES[form.method.data],
                    reference=form.reference.data,
                ),
            )
        elif refused.owed <= 0:
            form.add_error(
                form.amount,
                _(
                    "Nothing is owed on this account (it is %(status)s), so no payment can be recorded.",
                    status=account.status.value,
                ),
            )
        else:
            form.add_error(
                form.amount,
                _(
                    "That is more than is owed, %(owed)s. Record no more than what is owed; "
                    "any more must go back to the person.",
                    owed=_amount(account, refused.owed),
                ),
            )
        return _record_page(account, form, 409)
    flash(
        _(
            "Recorded %(amount)s received by %(method)s (reference %(reference)s). It is on the timeline.",
            amount=_amount(account, payment.amount),
            method=METHOD_NAMES[payment.method],
            reference=payment.reference,
        )
    )
    flash(_receipt_words(payment))
    return redirect(url_for("console.account", account_id=account.id) + "#payments")


def _receipt_words(payment: Payment) -> str:
    """What became of the receipt email, as the outbox has it now."""
    emailed = receipts.emailed(payment)
    if emailed is receipts.Emailed.SENT:
        return _("The person was emailed a receipt saying how they paid, with the reference.")
    if emailed is receipts.Emailed.SENDING:
        return _("A receipt saying how they paid, with the reference, is on its way to the person.")
    if emailed is receipts.Emailed.RETRYING:
        return _("The receipt email did not go through yet; it is being tried again.")
    if emailed is receipts.Emailed.OPTED_OUT:
        return _("No receipt was emailed: the person asked us to stop emailing them.")
    if emailed is receipts.Emailed.NO_ADDRESS:
        return _("No receipt was emailed: we have no email address for the person.")
    return _("No receipt was emailed; the Messages list shows what was sent.")


# --- Refund a payment --------------------------------------------------------------------------------


@bp.route("/accounts/<int:account_id>/payments")
@requires(StaffRole.SUPERVISOR)
def payments(account_id: int):
    account = account_or_404(account_id)
    rows = db.session.scalars(
        select(Payment).where(Payment.account_id == account.id).order_by(Payment.paid_at.desc())
    ).all()
    return render_template("console/payments.html", account=account, payments=rows, method_name=method_name)


def _refund_page(account: Account, payment: Payment, form: RefundForm | None = None, status: int = 200):
    form = form or RefundForm(account.currency, formdata=None)
    form.how_much.choices = [
        ("full", _("All that is left of it: %(amount)s", amount=_amount(account, payment.refundable))),
        ("part", _("Part of it")),
    ]
    history = db.session.scalars(
        select(PaymentRefund).where(PaymentRefund.payment_id == payment.id).order_by(PaymentRefund.id)
    ).all()
    waiting = refunds.pending(payment.id)
    page = render_template(
        "console/refund.html",
        account=account,
        payment=payment,
        form=form,
        errors=form.error_summary(),
        history=history,
        waiting=waiting,
        may_ask_again=waiting is not None
        and (waiting.claimed_until is None or waiting.claimed_until < utcnow()),
        method_name=method_name,
    )
    return page, status


def _outside_words(payment: Payment) -> str:
    return _(
        "This payment was received outside the portal (%(method)s), so it cannot be refunded through "
        "Stripe. Nothing was recorded. Give the money back the way it came, and add a note saying so.",
        method=method_name(payment),
    )


@bp.route("/accounts/<int:account_id>/payments/<int:payment_id>/refund", methods=["GET", "POST"])
@requires(StaffRole.SUPERVISOR)
def refund_payment(account_id: int, payment_id: int):
    account = account_or_404(account_id)
    payment = of_account_or_404(Payment, payment_id, account)
    form = RefundForm(account.currency)
    if not form.is_submitted():
        return _refund_page(account, payment)
    if payment.stripe_payment_intent_id is None:
        form.add_error(form.how_much, _outside_words(payment))
        return _refund_page(account, payment, form, 409)
    if not form.validate():
        return _refund_page(account, payment, form, 400)
    seen = form.seen_refunded()
    amount = payment.refundable if form.how_much.data == "full" else form.amount.data
    try:
        refund = refunds.begin(
            payment,
            amount=amount,
            reason=form.reason.data,
            seen_refunded=-1 if seen is None else seen,
            **_who(),
        )
    except RefundRefused as refused:
        account, payment = account_or_404(account_id), of_account_or_404(Payment, payment_id, account)
        field, message = _refusal(account, payment, refused.reason)
        form.add_error(getattr(form, field), message)
        return _refund_page(account, payment, form, 409)
    asked = refunds.ask(refund, **_who())
    return _after_asking(account, payment, asked, form)


@bp.route(
    "/accounts/<int:account_id>/payments/<int:payment_id>/refunds/<int:refund_id>/again", methods=["POST"]
)
@requires(StaffRole.SUPERVISOR)
def refund_again(account_id: int, payment_id: int, refund_id: int):
    account = account_or_404(account_id)
    payment = of_account_or_404(Payment, payment_id, account)
    refund = db.session.get(PaymentRefund, refund_id)
    if refund is None or refund.payment_id != payment.id:
        abort(404)
    form = CsrfOnly()
    if not form.validate_on_submit():
        abort(400)
    if refund.status is not RefundStatus.PENDING:
        flash(
            _(
                "Refund %(id)s is %(status)s already; nothing was asked.",
                id=refund.id,
                status=refund.status.value,
            )
        )
        return redirect(url_for("console.refund_payment", account_id=account.id, payment_id=payment.id))
    try:
        asked = refunds.ask_again(refund, **_who())
    except RefundRefused:
        flash(
            _(
                "Another request is asking Stripe about refund %(id)s now; look again in a minute.",
                id=refund.id,
            )
        )
        return redirect(url_for("console.refund_payment", account_id=account.id, payment_id=payment.id))
    return _after_asking(account, payment, asked, RefundForm(account.currency, formdata=None))


def _refusal(account: Account, payment: Payment, reason: str) -> tuple[str, str]:
    """The field a refusal is about and what to tell the person."""
    if reason == RefundRefused.NO_INTENT:
        return "how_much", _outside_words(payment)
    if reason == RefundRefused.OVERPAYMENT_DUE:
        return "how_much", _(
            "The over-payment refund of this payment is still waiting for Stripe (reconciliation asks "
            "again). Refund more once it has gone. Nothing was refunded."
        )
    if reason == RefundRefused.BUSY:
        return "how_much", _(
            "Another refund of this payment is on its way to Stripe. Nothing more was refunded; "
            "look at the refunds below."
        )
    if reason == RefundRefused.CHANGED:
        return "how_much", _(
            "Someone refunded this payment while you were looking: it now has %(refunded)s refunded. "
            "Nothing more was refunded; check the figures and decide again.",
            refunded=_amount(account, payment.refunded),
        )
    return "amount", _(
        "That is more than is left to refund, %(left)s. Nothing was refunded.",
        left=_amount(account, payment.refundable),
    )


def _after_asking(account: Account, payment: Payment, asked: refunds.Asked, form: RefundForm):
    refund = asked.refund
    account, payment = account_or_404(account.id), of_account_or_404(Payment, payment.id, account)
    if asked.outcome == refunds.SUCCEEDED:
        flash(
            _(
                "Refunded %(amount)s to the card. The person is emailed about it; the account now owes "
                "%(owed)s.",
                amount=_amount(account, refund.amount),
                owed=money(account.balance),
            )
        )
        return redirect(url_for("console.account", account_id=account.id) + "#payments")
    if asked.outcome == refunds.DECLINED:
        form.add_error(
            form.how_much,
            _("Stripe refused the refund (%(code)s). Nothing was refunded.", code=asked.code or ""),
        )
        return _refund_page(account, payment, form, 409)
    flash(
        _(
            "Stripe did not answer, so we do not know yet whether the refund of %(amount)s was made. It "
            "is recorded as waiting: ask Stripe again below.",
            amount=_amount(account, refund.amount),
        )
    )
    return redirect(url_for("console.refund_payment", account_id=account.id, payment_id=payment.id))
