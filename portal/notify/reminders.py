"""The email that reminds a debtor of a plan payment a few days before it is taken."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import long_date, money, person_language
from portal.models import Instalment
from portal.notify import mailer
from portal.notify.optout import optout_url


def send_reminder(instalment: Instalment) -> bool:
    """Email the reminder, in the debtor's language. True when the mail server accepted it.

    The caller has already asked `rules.email_allowed` and claimed the instalment.
    """
    plan = instalment.plan
    account = plan.account
    debtor = account.debtor
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language)):
        subject = _(
            "Reminder: your payment of %(amount)s on %(date)s",
            amount=money(account.money(instalment.amount)),
            date=long_date(instalment.due_date),
        )
        context = {
            "instalment": instalment,
            "plan": plan,
            "account": account,
            "portal_url": current_app.config["PORTAL_BASE_URL"],
            "optout_url": unsubscribe,
        }
        text = render_template("emails/reminder.txt", **context)
        html = render_template("emails/reminder.html", **context)
    mail = mailer.Mail(to=debtor.email, subject=subject, text=text, html=html, unsubscribe_url=unsubscribe)
    return mailer.send(mail)
