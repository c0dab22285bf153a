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
from portal.notify import mailer, rules
from portal.notify.optout import optout_url


def send_receipt(payment: Payment) -> bool:
    """Email the receipt if the rules allow; note the result (or why not) on the timeline.

    The debtor has just paid, so this answers them: contact hours do not apply, an opt-out does.
    """
    account = payment.account
    debtor = account.debtor
    allowed, reason = rules.email_allowed(debtor, account, utcnow(), debtor_initiated=True)
    if not allowed:
        timeline.record(account, "receipt_not_sent", payment_id=payment.id, reason=reason)
        db.session.commit()
        return False
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
    sent = mailer.send(mail)
    timeline.record(account, "receipt_sent" if sent else "receipt_failed", payment_id=payment.id)
    db.session.commit()
    return sent
