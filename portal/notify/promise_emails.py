"""The reminder a debtor gets the day before the date they promised to pay."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import long_date, person_language
from portal.links import service as links
from portal.models import SupportRequest
from portal.notify import mailer
from portal.notify.optout import optout_url


def send_promise_reminder(request: SupportRequest, link_url: str) -> bool:
    """Email the reminder, in the debtor's language. True when the mail server accepted it.

    The caller has asked `rules.email_allowed`, claimed the reminder and issued *link_url*.
    """
    account = request.account
    debtor = account.debtor
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language)):
        subject = _("Reminder: you said you would pay on %(date)s", date=long_date(request.promise_date))
        text = render_template(
            "emails/promise_reminder.txt",
            request=request,
            account=account,
            link=link_url,
            optout_url=unsubscribe,
        )
    return mailer.send(mailer.Mail(to=debtor.email, subject=subject, text=text, unsubscribe_url=unsubscribe))


def issue_link(request: SupportRequest) -> str:
    """A fresh link for the reminder; the caller commits."""
    return links.url_for_link(links.issue(request.account, actor="system"))
