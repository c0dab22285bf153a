"""What the runner tells a debtor: a declined payment, a bank check to confirm, a plan that ended."""

from __future__ import annotations

from datetime import date, datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import timeline
from portal.extensions import db
from portal.i18n import person_language
from portal.links import service as links
from portal.models import Account, Instalment, PaymentAttempt, Plan
from portal.notify import mailer, rules
from portal.notify.optout import optout_url


def _send(account: Account, kind: str, now: datetime, subject_text, template: str, **context) -> bool:
    allowed, reason = rules.email_allowed(account.debtor, account, now)
    if not allowed:
        timeline.record(account, f"{kind}_not_sent", reason=reason)
        db.session.commit()
        return False
    link = links.issue(account, actor="system")
    db.session.commit()
    with force_locale(person_language(account.debtor.language)):
        url = optout_url(account.debtor)
        subject = subject_text()
        text = render_template(template, link=links.url_for_link(link), optout_url=url, **context)
    sent = mailer.send(mailer.Mail(to=account.debtor.email, subject=subject, text=text, unsubscribe_url=url))
    timeline.record(account, f"{kind}_sent" if sent else f"{kind}_failed")
    db.session.commit()
    return sent


def payment_declined(instalment: Instalment, retry_on: date | None, now: datetime) -> bool:
    return _send(
        instalment.plan.account,
        "decline_notice",
        now,
        lambda: _("We could not take your plan payment"),
        "emails/plan_declined.txt",
        instalment=instalment,
        retry_on=retry_on,
    )


def authentication_needed(attempt: PaymentAttempt, instalment: Instalment, now: datetime) -> bool:
    return _send(
        instalment.plan.account,
        "authentication_notice",
        now,
        lambda: _("Please confirm your plan payment with your bank"),
        "emails/plan_authentication.txt",
        instalment=instalment,
        attempt=attempt,
    )


def plan_broken(plan: Plan, now: datetime) -> bool:
    return _send(
        plan.account,
        "plan_ended_notice",
        now,
        lambda: _("Your payment plan has ended"),
        "emails/plan_broken.txt",
        plan=plan,
    )
