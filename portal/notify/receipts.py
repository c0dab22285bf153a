"""The payment receipt email, in the debtor's language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.extensions import db
from portal.models import Payment
from portal.notify import mailer


def _language(payment: Payment) -> str:
    language = payment.account.debtor.language
    return language if language in current_app.config["SUPPORTED_LOCALES"] else "en"


def send_receipt(payment: Payment) -> bool:
    """Email the receipt if the account has an address; note the result on the timeline."""
    account = payment.account
    email = account.debtor.email
    if not email:
        return False
    with force_locale(_language(payment)):
        subject = _("Receipt for your payment to %(creditor)s", creditor=account.creditor.name)
        context = {"payment": payment, "account": account}
        text = render_template("emails/receipt.txt", **context)
        html = render_template("emails/receipt.html", **context)
    sent = mailer.send(mailer.Mail(to=email, subject=subject, text=text, html=html))
    timeline.record(account, "receipt_sent" if sent else "receipt_failed", payment_id=payment.id)
    db.session.commit()
    return sent
