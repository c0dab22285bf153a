"""The payment receipt email, in the debtor's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.extensions import db
from portal.i18n import person_language
from portal.models import Payment
from portal.models.types import utcnow
from portal.notify import mailer, resend, rules
from portal.notify.optout import optout_url


def send_receipt(payment: Payment) -> bool:
    """Email the receipt if the rules allow; note the result (or why not) on the timeline.

    The debtor has just paid, so this answers them: contact hours do not apply, an opt-out does.
    It never raises: a receipt that cannot go is recorded and retried by the task runner.
    """
    return receipt(payment) is resend.Sent.SENT


def waiting_to_resend(payment: Payment) -> bool:
    """True while the receipt for *payment* failed and has not gone since (the task runner retries)."""
    account_id = payment.account_id
    return resend.has_event(account_id, "email_failed", email="receipt", payment_id=payment.id) and not (
        resend.has_event(account_id, "receipt_sent", payment_id=payment.id)
    )


def receipt(payment: Payment, *, retrying: bool = False) -> resend.Sent:
    """Send the receipt once; *retrying* when the task runner tries again (it then schedules no retry)."""
    account_id, payment_id = payment.account_id, payment.id
    try:
        return _send(payment)
    except Exception as error:  # noqa: BLE001 - the payment is committed; no failure may surface
        resend.failed(account_id, "receipt", error, retrying=retrying, payment_id=payment_id)
        return resend.Sent.FAILED


def _send(payment: Payment) -> resend.Sent:
    account = payment.account
    debtor = account.debtor
    allowed, reason = rules.email_allowed(debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "receipt_not_sent", payment_id=payment.id, reason=reason)
        db.session.commit()
        return resend.Sent.NOT_ALLOWED
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language)):
        if account.status == "settled":
            subject = _("Your account with %(creditor)s is settled", creditor=account.creditor.name)
        else:
            subject = _("Receipt for your payment to %(creditor)s", creditor=account.creditor.name)
        context = {"payment": payment, "account": account, "optout_url": unsubscribe}
        text = render_template("emails/receipt.txt", **context)
        html = render_template("emails/receipt.html", **context)
    mail = mailer.Mail(to=debtor.email, subject=subject, text=text, html=html, unsubscribe_url=unsubscribe)
    mailer.deliver(mail)
    timeline.record(account, "receipt_sent", payment_id=payment.id)
    db.session.commit()
    return resend.Sent.SENT
