"""The email that reminds a debtor of a plan payment a few days before it is taken."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import long_date, money, person_language
from portal.models import Instalment, Message
from portal.notify import outbox
from portal.notify.optout import optout_url
from portal.notify.plan_notices import fresh_link


def queue_reminder(instalment: Instalment, facts: dict, now: datetime) -> Message:
    """Queue the reminder, in the debtor's language, once per instalment; the caller commits.

    The caller has already asked `rules.email_allowed`; the outbox asks again when it sends.
    """
    plan = instalment.plan
    account = plan.account
    debtor = account.debtor
    key = f"reminder:{instalment.id}"
    queued = outbox.find(key)
    if queued is not None:  # no second link for a reminder that is already on its way
        return queued
    # A fresh link, so the person can act on the reminder itself (the caller found it may go now).
    url, _expires = fresh_link(account, "", now)
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language, account.creditor.country)):
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
            "link": url,
            "optout_url": unsubscribe,
        }
        text = render_template("emails/reminder.txt", **context)
        html = render_template("emails/reminder.html", **context)
    return outbox.queue_email(
        account,
        "reminder",
        key=key,
        subject=subject,
        text=text,
        html=html,
        facts=facts,
        not_before=now,
    )
