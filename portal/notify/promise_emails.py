"""The reminder a debtor gets the day before the date they promised to pay."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import long_date, person_language
from portal.links import service as links
from portal.models import Message, SupportRequest
from portal.notify import outbox
from portal.notify.optout import optout_url

KIND = "promise_reminder"


def reminder_key(request_id: int) -> str:
    return f"promise_reminder:{request_id}"


def queue_promise_reminder(request: SupportRequest, link_url: str, now: datetime) -> Message:
    """Queue the reminder, in the debtor's language, once per promise; the caller commits.

    The caller has asked `rules.email_allowed` and issued *link_url*.
    """
    account = request.account
    debtor = account.debtor
    unsubscribe = optout_url(debtor)
    with force_locale(person_language(debtor.language, account.creditor.country)):
        subject = _("Reminder: you said you would pay on %(date)s", date=long_date(request.promise_date))
        text = render_template(
            "emails/promise_reminder.txt",
            request=request,
            account=account,
            link=link_url,
            optout_url=unsubscribe,
        )
    return outbox.queue_email(
        account,
        KIND,
        key=reminder_key(request.id),
        subject=subject,
        text=text,
        facts={"request_id": request.id, "promise_date": request.promise_date.isoformat()},
        not_before=now,
    )


def issue_link(request: SupportRequest) -> str:
    """A fresh link for the reminder; the caller commits."""
    return links.url_for_link(links.issue(request.account, actor="system"))
